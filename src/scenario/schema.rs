//! The JSON Schema of a scenario file (`sim schema`), for editors: Even
//! Better TOML and Taplo complete keys and flag typos from it.
//!
//! Generated from the serde mirror (`raw.rs`) by schemars, then made to
//! describe the file as written rather than as deserialised:
//! - every value may be wrapped in a citation, `{ value = …, fact = "id" }`
//!   (or `derived` with `from`, or `assumption`), and a distribution table
//!   may carry the citation keys beside `dist`;
//! - `extends` names a parent, and nothing is required, since a scenario
//!   that extends another holds only what it changes (`sim validate`
//!   checks completeness, ranges and meaning).

use super::raw::RawScenario;
use serde_json::{Map, Value, json};

/// The schema as pretty JSON, with a final newline.
pub fn json() -> String {
    let mut schema =
        serde_json::to_value(schemars::schema_for!(RawScenario)).expect("a schema is JSON");
    let root = schema.as_object_mut().expect("the schema is an object");
    root.insert("title".into(), json!("sim scenario"));
    root.insert(
        "description".into(),
        json!(
            "A scenario of the AI infrastructure capital cycle for `sim` (see docs/scenario.md)."
        ),
    );
    if let Some(Value::Object(props)) = root.get_mut("properties") {
        props.insert(
            "extends".into(),
            json!({
                "type": "string",
                "description": "the parent scenario this one changes, relative to this file"
            }),
        );
    }
    adapt(&mut schema, false);
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema prints");
    text.push('\n');
    text
}

/// The keys a citation may add.
fn cite_keys() -> Map<String, Value> {
    let mut keys = Map::new();
    keys.insert(
        "fact".into(),
        json!({ "type": "string", "description": "the id of a row of the fact table" }),
    );
    keys.insert("derived".into(), json!({ "type": "string", "description": "how the value is computed from the facts in `from`" }));
    keys.insert(
        "from".into(),
        json!({ "type": "array", "items": { "type": "string" } }),
    );
    keys.insert(
        "assumption".into(),
        json!({ "type": "string", "description": "the judgement and its reason" }),
    );
    keys
}

/// `schema`, or the same value wrapped in a citation.
fn citable(schema: Value) -> Value {
    let mut properties = cite_keys();
    properties.insert("value".into(), schema.clone());
    json!({
        "anyOf": [
            schema,
            {
                "type": "object",
                "properties": properties,
                "required": ["value"],
                "additionalProperties": false
            }
        ]
    })
}

/// Walks the schema: drops `required`, makes every property and array item
/// citable, and lets distribution tables carry citation keys.
fn adapt(v: &mut Value, in_dist: bool) {
    match v {
        Value::Object(o) => {
            o.remove("required");
            let is_dist_variant =
                in_dist || o.get("properties").and_then(|p| p.get("dist")).is_some();
            if let Some(Value::Object(defs)) = o.get_mut("$defs") {
                for (name, d) in defs.iter_mut() {
                    adapt(d, name == "Dist");
                }
            }
            if let Some(Value::Object(props)) = o.get_mut("properties") {
                for p in props.values_mut() {
                    adapt(p, false);
                    *p = citable(p.take());
                }
                if is_dist_variant {
                    props.extend(cite_keys());
                }
            }
            if let Some(items) = o.get_mut("items") {
                adapt(items, false);
                *items = citable(items.take());
            }
            for key in ["anyOf", "oneOf", "allOf"] {
                if let Some(Value::Array(alts)) = o.get_mut(key) {
                    for a in alts {
                        adapt(a, in_dist);
                    }
                }
            }
            if let Some(extra) = o.get_mut("additionalProperties") {
                if extra.is_object() {
                    adapt(extra, false);
                    *extra = citable(extra.take());
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| adapt(x, in_dist)),
        _ => {}
    }
}
