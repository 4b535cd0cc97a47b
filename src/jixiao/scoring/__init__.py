"""Rules and engine: rulebooks are data, the rule kinds are code, the engine applies one to the other.

`rulebook` finds and loads a versioned YAML indicator system (region, kind, year, its source document and whether
each rule is official or inferred): its records are in `rulebook_types`, the checking of every rule in
`rulebook_loader`, `extends` in `rulebook_changes`; `rules` holds the rule kinds (`rules.registry.KINDS`);
`target_rows.expand_targets` turns a department's own performance targets into ordinary indicator nodes; `engine`
(`evaluate`, `evaluate_projects`, `evaluate_many`) scores a department against a rulebook — the only scorer — and
returns an `Evaluation` whose every score carries its `trace`; `explain` renders a trace as text and data;
`rulebook_pages` writes the human-readable rulebook pages (docs/rulebooks/). Imports only `jixiao.model` (and the
guarded YAML reader, `files.yamlsrc`).
"""
