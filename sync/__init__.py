"""Sync between a station and its county center: the wire protocol, the station's client and
the county's service. Importable without Textual."""
