//! The JSON schema as README's "JSON output" section documents it, read
//! from README.md itself, so every JSON output is checked against the
//! documentation users read: no key undocumented, no documented key
//! missing, each value of its documented type.

use serde_json::Value;
use std::collections::BTreeMap;

/// A documented key: its name, its type (`integer`, `string or null`,
/// `list of warning`, another object's name, …) and whether it may be
/// absent (a type followed by a condition, e.g. "number, `--json` only").
#[derive(Debug, Clone)]
pub struct Key {
    pub name: String,
    pub ty: String,
    pub optional: bool,
}

/// Every object of the section, by the name in its `####` heading, and
/// the warning codes it lists ("Codes today: …").
pub struct Schema {
    pub objects: BTreeMap<String, Vec<Key>>,
    pub codes: Vec<String>,
}

/// The schema as README.md documents it (read once per test binary).
pub fn readme() -> &'static Schema {
    static SCHEMA: std::sync::OnceLock<Schema> = std::sync::OnceLock::new();
    SCHEMA.get_or_init(parse_readme)
}

fn parse_readme() -> Schema {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let text = std::fs::read_to_string(path).expect("README.md");
    let start = text
        .find("\n## JSON output")
        .expect("README has a JSON output section");
    let rest = &text[start + 1..];
    let section = &rest[..rest[3..].find("\n## ").map_or(rest.len(), |e| e + 3)];
    let mut objects = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in section.lines() {
        if let Some(h) = line.strip_prefix("#### `") {
            let name = h.split('`').next().unwrap().to_string();
            objects.insert(name.clone(), Vec::new());
            current = Some(name);
        } else if let (Some(obj), Some(row)) = (&current, line.strip_prefix("| `")) {
            let cells: Vec<&str> = row.split(" | ").collect();
            let name = cells[0].trim_end_matches('`').to_string();
            let (ty, condition) = match cells[1].split_once(", ") {
                Some((t, _)) => (t, true),
                None => (cells[1], false),
            };
            objects.get_mut(obj).unwrap().push(Key {
                name,
                ty: ty.to_string(),
                optional: condition,
            });
        }
    }
    assert!(
        objects.contains_key("record") && objects.len() > 2,
        "README's JSON output section lost its tables: {:?}",
        objects.keys().collect::<Vec<_>>()
    );
    let codes = section
        .split("Codes today:")
        .nth(1)
        .expect("README lists the warning codes")
        .split("\n\n")
        .next()
        .unwrap()
        .split('`')
        .skip(1)
        .step_by(2)
        .map(String::from)
        .collect();
    Schema { objects, codes }
}

impl Schema {
    /// Check a top-level object (a `--json` line, the `--report` file):
    /// the record's keys and those of its `type`. Returns the type.
    pub fn check_record(&self, v: &Value) -> String {
        assert_eq!(v["schema"], 1, "schema version: {v}");
        let ty = v["type"].as_str().unwrap_or_else(|| panic!("no type: {v}"));
        assert!(
            ty != "record" && self.objects.contains_key(ty),
            "type {ty} is not documented"
        );
        let keys: Vec<Key> = self.objects["record"]
            .iter()
            .chain(&self.objects[ty])
            .cloned()
            .collect();
        self.check_keys(ty, &keys, v);
        ty.to_string()
    }

    /// Check `v` against the documented object `name`.
    pub fn check(&self, name: &str, v: &Value) {
        let keys = self
            .objects
            .get(name)
            .unwrap_or_else(|| panic!("object {name} is not documented"));
        self.check_keys(name, keys, v);
        if name == "warning" {
            let code = v["code"].as_str().unwrap();
            assert!(
                self.codes.iter().any(|c| c == code),
                "warning code {code} is not documented (README: {:?})",
                self.codes
            );
        }
    }

    fn check_keys(&self, name: &str, keys: &[Key], v: &Value) {
        let map = v
            .as_object()
            .unwrap_or_else(|| panic!("{name}: not an object: {v}"));
        for k in map.keys() {
            assert!(
                keys.iter().any(|d| &d.name == k),
                "{name}: key {k} is not documented: {v}"
            );
        }
        for d in keys {
            match map.get(&d.name) {
                None => assert!(d.optional, "{name}: no {}: {v}", d.name),
                Some(value) => self.check_type(&format!("{name}.{}", d.name), &d.ty, value),
            }
        }
    }

    fn check_type(&self, at: &str, ty: &str, v: &Value) {
        if let Some(inner) = ty.strip_suffix(" or null") {
            if !v.is_null() {
                self.check_type(at, inner, v);
            }
            return;
        }
        if let Some(elem) = ty.strip_prefix("list of ") {
            let items = v
                .as_array()
                .unwrap_or_else(|| panic!("{at}: not a list: {v}"));
            for item in items {
                self.check_type(at, elem, item);
            }
            return;
        }
        let ok = match ty {
            "integer" => v.is_u64() || v.is_i64(),
            "number" => v.is_number(),
            "string" => v.is_string(),
            "boolean" => v.is_boolean(),
            object => {
                self.check(object, v);
                true
            }
        };
        assert!(ok, "{at}: not {ty}: {v}");
    }
}
