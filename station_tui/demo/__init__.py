"""Demo data: a seeded, realistic history of a village station, written through the
repositories like real use. Headless (no Textual): the CLI and the benchmarks use it."""

from station_tui.demo.generator import (
    DEFAULT_SEED,
    DEMO_META,
    SIZES,
    DemoSummary,
    Size,
    demo_state,
    generate,
    has_records,
)

__all__ = ["DEFAULT_SEED", "DEMO_META", "SIZES", "DemoSummary", "Size", "demo_state", "generate", "has_records"]
