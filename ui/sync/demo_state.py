"""A representative state of the sync centre for ``python -m ui.screenshots`` (demo database only).

A partner site (Villeneuve) is made in a temporary folder and paired with the demo site; one bundle
goes each way, both sites edit the same event (an open conflict), and a second bundle from the
partner waits in the import preview. Nothing here runs outside the screenshot command, which works
on a throw-away copy of the demo database.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any


def _prepare(page) -> dict[str, Any]:
    from coopdesk.services import open_services

    svc = page.svc
    tmp = tempfile.TemporaryDirectory(prefix="coopdesk-partner-")
    page._demo_partner_folder = tmp  # removed with the page
    folder = Path(tmp.name)
    partner = open_services(folder / "villeneuve.db")
    try:
        partner.setup.init("VLG", node_code="VLG")
        svc.sync.export_identity(folder / "TIZ.coopid")
        partner.sync.export_identity(folder / "VLG.coopid")
        svc.sync.trust(folder / "VLG.coopid")
        partner.sync.trust(folder / "TIZ.coopid")
        me = svc.sync.identity()["node_code"]
        partner.sync.import_bundles(svc.sync.export_bundle("VLG", folder / "out-1"))
        event = svc.events.events()[0]
        svc.events.update_event(event["id"], place="Salle des fêtes, Tiznit")
        partner.events.update_event(event["id"], place="Maison des associations, Villeneuve")
        partner.events.create_event(title="Visioconférence des jeunes élus", start="2026-06-12")
        svc.sync.import_bundles(partner.sync.export_bundle(me, folder / "in-1"))
        svc.people.create_person(first_name="Amal", last_name="Idrissi", sex="F", birth_date="2003-02-11",
                                 commune_id=svc.setup.site()["commune_id"])
        partner.events.create_event(title="Tournoi de football mixte", start="2026-07-04")
        partner.events.create_event(title="Atelier numérique", start="2026-07-10")
        waiting = partner.sync.export_bundle(me, folder / "in-2")
    finally:
        partner.close()
    page.refresh()
    return {"waiting": waiting}


def screenshot_states(page):
    state: dict[str, Any] = {}

    def partners() -> None:
        if not page.svc.sync.partners():
            state.update(_prepare(page))
        page.tabs.setCurrentIndex(page.TABS.index("partners"))

    def import_preview() -> None:
        if state.get("waiting"):
            importer = page.importer
            importer.paths = list(state["waiting"])
            importer.files_label.setText(", ".join(Path(p).name for p in importer.paths))
            importer._previewed(page.svc.sync.preview(importer.paths))  # synchronously: one picture
        page.tabs.setCurrentIndex(page.TABS.index("import"))

    def conflicts() -> None:
        page.tabs.setCurrentIndex(page.TABS.index("conflicts"))
        if page.conflicts.rowCount():
            page.conflict_view.selectRow(0)

    return [("sync", partners), ("sync-import", import_preview), ("sync-conflicts", conflicts)]
