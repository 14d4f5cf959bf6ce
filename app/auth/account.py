"""Joining the program (/join) and the member's profile (/profile)."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.earn.words import task_refusal
from app.loyalty import referrals, tasks
from app.loyalty.models import utcnow
from app.loyalty.program import program
from app.loyalty.streaks import local_day
from .account_forms import JoinForm, ProfileForm
from .views import bp, start_session


@bp.route("/join", methods=["GET", "POST"])
def join():
    if current_user.is_authenticated:
        return redirect(url_for("mall.home"))
    form = JoinForm()
    if request.method == "GET":
        form.invite.data = request.args.get("invite", "")[:16]
    if form.validate_on_submit():
        try:
            member = referrals.join(form.phone.data, form.name.data, form.password.data,
                                    invite_code=form.invite.data)
        except referrals.UnknownInvite as error:
            form.invite.errors.append(task_refusal(error))
        except referrals.PhoneTaken as error:
            form.phone.errors.append(task_refusal(error))
        else:
            start_session(member)
            flash(_("Welcome to the program! Your member number is %(number)s.",
                    number=member.member_no), "success")
            return redirect(url_for("mall.home"))
    status = 422 if form.errors else 200
    return render_template("auth/join.html", form=form), status


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    today = local_day(utcnow(), program().tz)
    form = ProfileForm(obj=current_user if request.method == "GET" else None, today=today)
    locked = current_user.birthday is not None
    if form.validate_on_submit():
        birthday = None if locked else form.birthday.data
        try:
            points = tasks.save_profile(current_user.id, form.name.data, form.email.data, birthday)
        except tasks.BirthdayLocked as error:
            form.birthday.errors = [task_refusal(error)]
        else:
            if points:
                flash(_("Profile complete: +%(points)s points!", points=points), "success")
            else:
                flash(_("Profile saved."), "success")
            return redirect(url_for("auth.profile"), 303)
    status = 422 if form.errors else 200
    return render_template("auth/profile.html", form=form, locked=locked,
                           rewarded=tasks.profile_rewarded(current_user.id)), status
