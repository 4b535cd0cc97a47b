"""Rules and engine: rulebooks are data, the rule kinds are code, the engine applies one to the other.

`rulebook` loads and validates a versioned YAML indicator system (region, kind, year, its source document and
whether each rule is official or inferred), with `extends` resolved by `rulebook_changes`; `rules` holds the rule
kinds in a registry; `engine` scores a department against a rulebook and returns an `Evaluation` whose every score
carries its `trace`; `explain` renders a trace as text; `target_rows` expands declared performance targets;
`rulebook_pages` writes the human-readable rulebook pages (docs/rulebooks/).
"""
