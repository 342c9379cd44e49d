"""How the directory's entries are shown: one line of text per organisation (name, address,
what it offers), a link button, and the metadata the channels and the report read.

The link button carries ``url`` and ``type: web_url`` for the REST channel and widgets that open
links, and also ``payload`` (the same address): Rasa's SocketIO channel turns buttons into quick
replies using only ``title`` and ``payload`` and fails on a button without a payload.
"""
from __future__ import annotations

from typing import Any, Dict, Optional

from net_assistant.support.directory import HandOff, Organisation


def entry_line(org: Organisation) -> str:
    """One bullet: the name (with a former name or region), the address, what it offers."""
    notes = [f"formerly {org.formerly}"] if org.formerly else []
    if org.region and org.scope == "national":
        notes.append(org.region)
    name = f"{org.name} ({', '.join(notes)})" if notes else org.name
    return f"• {name}: {org.website}\n  {'; '.join(org.offers)}"


def link_button(org: Organisation) -> Dict[str, Any]:
    """A button that opens the organisation's website."""
    return {"title": org.name, "url": org.website, "type": "web_url", "payload": org.website}


def country_code(hand_off: HandOff) -> Optional[str]:
    return hand_off.country.code if hand_off.country else None


def organisation_metadata(org: Organisation, hand_off: HandOff) -> Dict[str, Any]:
    country = country_code(hand_off) if org.scope == "national" else None
    return {"id": org.id, "name": org.name, "website": org.website, "country": country}
