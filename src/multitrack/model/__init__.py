"""SQLAlchemy tables of the registry, one module per concept."""

from multitrack.model.accounts import ApiToken, Organisation, Release, Setting, User
from multitrack.model.actors import Actor, ActorAlias, Membership
from multitrack.model.agreements import Agreement, AgreementAction, AgreementParty, Obligation
from multitrack.model.audit import AuditEntry
from multitrack.model.base import Base
from multitrack.model.channels import Channel, ChannelChange, ChannelParticipant
from multitrack.model.engagements import Engagement, EngagementParticipant, FollowUp
from multitrack.model.objectives import Indicator, Measurement, Objective
from multitrack.model.share import ShareCounter, ShareReceipt
from multitrack.model.terms import CustomTerm
from multitrack.model.vetting import Vetting

__all__ = [
    "Actor",
    "ActorAlias",
    "Agreement",
    "AgreementAction",
    "AgreementParty",
    "ApiToken",
    "AuditEntry",
    "Base",
    "Channel",
    "ChannelChange",
    "ChannelParticipant",
    "CustomTerm",
    "Engagement",
    "EngagementParticipant",
    "FollowUp",
    "Indicator",
    "Measurement",
    "Membership",
    "Objective",
    "Obligation",
    "Organisation",
    "Release",
    "Setting",
    "ShareCounter",
    "ShareReceipt",
    "User",
    "Vetting",
]
