"""What a member sees of their tier: qualifying points, progress and the review date."""
from datetime import date

from app.extensions import db
from app.loyalty import accounts, reads
from app.loyalty.models import Member
from app.loyalty.program import running_program
from tests.conftest import PASSWORD, days, utc


def test_a_member_sees_progress_from_points_earned_in_the_last_twelve_months(app):
    member = accounts.join("13800000001", "测试会员", PASSWORD, now=utc(2026, 2, 28, 17))
    accounts.award(member.id, 700, "old purchase", now=utc(2025, 1, 1))
    accounts.award(member.id, 1500, "purchase", now=utc(2026, 3, 1))
    member = db.session.get(Member, member.id)

    standing = reads.standing(member, utc(2026, 6, 1), running_program())

    assert standing.tier.code == "silver" and standing.next_tier.code == "gold"
    assert (standing.progress.qualifying, standing.progress.to_next) == (1500, 500)
    # Reached at 2026-02-28T17:00Z, 1 March local: reviewed on 1 March 2027.
    assert standing.review_on == date(2027, 3, 1)
    later = reads.standing(member, utc(2026, 3, 1) + days(366), running_program())
    assert later.progress.qualifying == 0
