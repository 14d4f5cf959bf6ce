"""Campaigns, for administrators: list them, create and edit them, end one early."""
from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.loyalty import campaigns
from app.loyalty.campaigns import InvalidCampaign
from app.loyalty.errors import NotFound
from app.loyalty.models import Campaign, Tier, utcnow
from app.loyalty.program import running_program
from app.web.i18n import timezone_name
from .console import address, bp
from .program_forms import ActionForm, CampaignForm


def _tiers() -> list[Tier]:
    return list(db.session.scalars(select(Tier).order_by(Tier.rank)))


def _list(status: int = 200):
    rows = campaigns.every(utcnow())
    return render_template("admin/campaigns.html", rows=rows, end_form=ActionForm(),
                           ended=campaigns.ENDED, zone=_zone()), status


def _form_page(form: CampaignForm, campaign: Campaign | None, status: int = 200):
    return render_template("admin/campaign_form.html", form=form, campaign=campaign,
                           zone=_zone()), status


def _zone() -> str:
    return timezone_name(running_program().timezone)


def _ended_refusal():
    flash(_("This campaign has ended: it stays as it ran."), "error")


@bp.get("/campaigns", endpoint="campaigns")
def campaigns_page():
    return _list()


@bp.get("/campaigns/new")
def new_campaign():
    return _form_page(CampaignForm(_tiers()), None)


@bp.post("/campaigns/new")
def create_campaign():
    form = CampaignForm(_tiers())
    if form.validate_on_submit():
        try:
            campaign = campaigns.create(**form.values(), actor_id=g.staff.id, address=address())
        except InvalidCampaign as error:
            form.refuse(error.details.get("field", ""))
        else:
            flash(_("Campaign “%(name)s” saved.", name=campaign.name), "info")
            return redirect(url_for("admin.campaigns"), 303)
    return _form_page(form, None, 422)


@bp.get("/campaigns/<int:campaign_id>/edit")
def edit_campaign(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    if campaigns.state(campaign, utcnow()) == campaigns.ENDED:
        _ended_refusal()
        return redirect(url_for("admin.campaigns"))
    form = CampaignForm(_tiers())
    form.fill(campaign, db.session.get(Tier, campaign.tier_id) if campaign.tier_id else None)
    return _form_page(form, campaign)


@bp.post("/campaigns/<int:campaign_id>/edit")
def save_campaign(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    form = CampaignForm(_tiers())
    if form.validate_on_submit():
        try:
            campaigns.edit(campaign_id, **form.values(), actor_id=g.staff.id, address=address())
        except InvalidCampaign as error:
            if not form.refuse(error.details.get("field", "")):
                _ended_refusal()
                return _list(422)
        else:
            flash(_("Campaign “%(name)s” saved.", name=form.name.data), "info")
            return redirect(url_for("admin.campaigns"), 303)
    return _form_page(form, campaign, 422)


@bp.post("/campaigns/<int:campaign_id>/end")
def end_campaign(campaign_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        campaign = campaigns.end(campaign_id, actor_id=g.staff.id, address=address())
    except NotFound:
        abort(404)
    except InvalidCampaign:
        flash(_("This campaign has already ended."), "error")
        return _list(422)
    flash(_("Campaign “%(name)s” ended.", name=campaign.name), "info")
    return redirect(url_for("admin.campaigns"), 303)
