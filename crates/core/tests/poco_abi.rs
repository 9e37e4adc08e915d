//! The structs and selectors Result Vault decodes are those of the ABI PoCo publishes (npm
//! `@iexec/poco` 6.1.0, `abis/contracts/IexecInterfaceToken.json`, fetched by scripts/setup.sh):
//! field names, types, order and nesting, compared as EIP-712 type strings.

use std::path::PathBuf;

use alloy_sol_types::{SolCall, SolStruct};
use result_vault_core::chain::abi::{Deal, IexecHubViews, Task};
use serde_json::Value;

fn abi() -> Vec<Value> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/interop/poco/package/abis/contracts/IexecInterfaceToken.json");
    let text = std::fs::read_to_string(&p).unwrap_or_else(|_| panic!("{} missing: run scripts/setup.sh", p.display()));
    let v: Value = serde_json::from_str(&text).unwrap();
    match v {
        Value::Array(a) => a,
        Value::Object(o) => o["abi"].as_array().unwrap().clone(),
        _ => panic!("unexpected ABI file"),
    }
}

/// `Name(type field,...)` followed by the referenced structs sorted by name (EIP-712 encodeType),
/// built from an ABI tuple parameter.
fn encode_type(param: &Value) -> String {
    fn struct_name(p: &Value) -> String {
        let internal = p["internalType"].as_str().unwrap();
        internal.trim_start_matches("struct ").rsplit('.').next().unwrap().trim_end_matches("[]").to_owned()
    }
    fn walk(p: &Value, refs: &mut std::collections::BTreeMap<String, String>) -> String {
        let fields: Vec<String> = p["components"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                let ty = if c["type"].as_str().unwrap().starts_with("tuple") {
                    let name = struct_name(c);
                    let body = walk(c, refs);
                    refs.insert(name.clone(), body);
                    name + c["type"].as_str().unwrap().trim_start_matches("tuple")
                } else {
                    c["type"].as_str().unwrap().to_owned()
                };
                format!("{ty} {}", c["name"].as_str().unwrap())
            })
            .collect();
        format!("{}({})", struct_name(p), fields.join(","))
    }
    let mut refs = std::collections::BTreeMap::new();
    let root = walk(param, &mut refs);
    root + &refs.values().cloned().collect::<String>()
}

fn output_of(abi: &[Value], name: &str) -> Value {
    let f = abi
        .iter()
        .find(|e| e["type"] == "function" && e["name"] == name)
        .unwrap_or_else(|| panic!("{name} not in the ABI"));
    assert_eq!(f["inputs"][0]["type"], "bytes32");
    assert_eq!(f["outputs"].as_array().unwrap().len(), 1, "{name} returns one struct");
    f["outputs"][0].clone()
}

#[test]
fn view_task_and_view_deal_match_the_published_poco_abi() {
    let abi = abi();
    assert_eq!(encode_type(&output_of(&abi, "viewTask")), Task::eip712_encode_type());
    assert_eq!(encode_type(&output_of(&abi, "viewDeal")), Deal::eip712_encode_type());
    assert_eq!(IexecHubViews::viewTaskCall::SIGNATURE, "viewTask(bytes32)");
    assert_eq!(IexecHubViews::viewDealCall::SIGNATURE, "viewDeal(bytes32)");
}
