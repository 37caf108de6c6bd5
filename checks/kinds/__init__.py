"""Registry of check kinds: the generic Python classes that catalogue entries name in their `kind` field."""

from __future__ import annotations

from typing import Any

from checks.kinds.base import Check, EvidenceCheck, SiteState
from checks.kinds.channels import ChatWidgetCheck, ContactFormCheck, EmailCheck, PhoneCheck, WhatsappCheck
from checks.kinds.keywords import KeywordCheck
from checks.kinds.probed import BrokenLinksCheck, FormProbeCheck
from checks.kinds.probes import EmailDeliverableCheck, PhoneValidCheck, WhatsappValidCheck
from checks.kinds.quality import AccessibilityCheck, ServiceTransparencyCheck
from checks.kinds.site import AvailabilityCheck, HttpsCheck, RecentContentCheck, SearchFormCheck, ViewportCheck
from checks.kinds.social import SocialAccountsCheck, SocialProfileCheck

KINDS: dict[str, type[Check[Any]]] = {
    cls.kind: cls
    for cls in (
        AvailabilityCheck,
        HttpsCheck,
        ViewportCheck,
        SearchFormCheck,
        RecentContentCheck,
        KeywordCheck,
        PhoneCheck,
        EmailCheck,
        ContactFormCheck,
        WhatsappCheck,
        ChatWidgetCheck,
        SocialAccountsCheck,
        FormProbeCheck,
        BrokenLinksCheck,
        AccessibilityCheck,
        ServiceTransparencyCheck,
        PhoneValidCheck,
        EmailDeliverableCheck,
        WhatsappValidCheck,
        SocialProfileCheck,
    )
}

__all__ = ["KINDS", "Check", "EvidenceCheck", "SiteState"]
