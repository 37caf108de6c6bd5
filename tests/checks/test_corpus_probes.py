"""The working-channel probes on the real labelled corpus: no new accusation, and no network verdict offline."""

from __future__ import annotations

import pytest
import yaml

from .test_corpus import CORPUS, _site_results

# Each probe and the existence check whose auditor label it must not contradict.
PROBES = {
    "canal.telefono_valido": "canal.telefono",
    "canal.correo_entregable": "canal.correo",
    "canal.whatsapp_valido": "canal.whatsapp",
    "canal.redes_sociales_perfil": "canal.redes_sociales",
}
NETWORK = ("canal.correo_entregable", "canal.redes_sociales_perfil")


def test_probes_accuse_no_channel_the_auditors_saw_and_need_the_network(catalogue) -> None:
    labels_path = CORPUS / "labels.yaml"
    if not labels_path.exists():
        pytest.skip("no está el corpus compartido de sitios etiquetados")
    labels = yaml.safe_load(labels_path.read_text(encoding="utf-8"))["sites"]
    decided = 0
    for site, checks in labels.items():
        if not (CORPUS / site).is_dir():
            continue
        results = _site_results(catalogue, site)
        for probe, existence in PROBES.items():
            got = results[probe]
            decided += got.status != "indeterminado"
            seen = checks.get(existence, {}).get("status") == "cumple"
            assert not (seen and got.status == "no_cumple"), f"{site} {probe}: {got.evidence}"
            # Offline, a mail domain or a profile is never a verdict from the network (webmail needs none).
            if probe in NETWORK and got.status != "indeterminado":
                assert got.status == "cumple" and "webmail" in (got.detail or ""), f"{site} {probe}"
    assert decided > 0
