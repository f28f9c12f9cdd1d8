"""A fictional crisis for `sitroom demo`: five days of a siege, as the messages came out.

`write_scenario(folder)` writes the export files a team would really hold: Twitter v1.1
statuses (twarc), Twitter v2 search pages (twarc2), a Telegram Desktop channel export, an
Android WhatsApp group export, and a GeoNames-layout gazetteer of the invented city of
Qasr al-Nahr (قصر النهر). Everything is deterministic for a given seed and fully invented.
"""

from sitroom.demo.scenario import ScenarioFiles, write_scenario

__all__ = ["ScenarioFiles", "write_scenario"]
