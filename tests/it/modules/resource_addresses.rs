//! Works out, from the HCL alone, the resource addresses Terraform would put into the state of a root module
//! (`module.fleet["lxc-901"].proxmox_virtual_environment_container.container`, ...), so that the validator's
//! patterns in agentlab.toml can be checked without a provider or a Proxmox VE.
//!
//! It evaluates only what decides addresses: variable defaults, locals, `count` and `for_each`, and the arguments
//! of module calls, with the few Terraform functions those expressions use. A `count` or `for_each` it cannot
//! evaluate fails loudly instead of being guessed.

use std::path::Path;

use hcl::eval::{Context, Evaluate, FuncArgs, FuncDef, ParamType};
use hcl::{Map, Value};

use super::terraform_source::{TerraformModule, attribute, first_label, string_attribute};

/// The addresses of every managed resource in the module at `dir` and its local child modules.
pub fn resource_addresses_of_root_module(dir: &Path) -> Vec<String> {
    let mut addresses = Vec::new();
    collect_addresses(dir, "", Map::new(), &mut addresses);
    addresses.sort();
    addresses
}

fn collect_addresses(
    dir: &Path,
    prefix: &str,
    inputs: Map<String, Value>,
    addresses: &mut Vec<String>,
) {
    let module = TerraformModule::load(dir);
    let mut context = context_with_functions();
    context.declare_var("var", Value::Object(variable_values(&module, inputs)));
    let locals = evaluable_locals(&module, &context);
    context.declare_var("local", Value::Object(locals));

    for resource in module.blocks("resource") {
        let labels: Vec<&str> = resource
            .labels()
            .iter()
            .map(|label| label.as_str())
            .collect();
        let [resource_type, resource_name] = labels[..] else {
            panic!(
                "{}: a resource block needs a type and a name",
                module.name()
            );
        };
        for instance in instance_keys(resource.body(), &context, &module.name()) {
            addresses.push(format!(
                "{prefix}{resource_type}.{resource_name}{}",
                instance.suffix()
            ));
        }
    }

    for call in module.blocks("module") {
        let call_name = first_label(call).expect("a module block has a name");
        let source = string_attribute(call.body(), "source").unwrap_or_else(|| {
            panic!(
                "{}: module {call_name} has no literal source",
                module.name()
            )
        });
        assert!(
            source.starts_with("./") || source.starts_with("../"),
            "{}: module {call_name} comes from {source}; only local modules can be followed offline",
            module.name()
        );
        let child_dir = dir.join(source);
        for instance in instance_keys(call.body(), &context, &module.name()) {
            let mut call_context = context.clone();
            instance.declare_in(&mut call_context);
            let child_inputs = evaluable_arguments(call.body(), &call_context);
            let child_prefix = format!("{prefix}module.{call_name}{}.", instance.suffix());
            collect_addresses(&child_dir, &child_prefix, child_inputs, addresses);
        }
    }
}

/// Which instances a resource or module call has, as its `count` or `for_each` decide.
#[derive(Clone)]
enum InstanceKey {
    Single,
    Index(u64),
    Key { key: String, value: Value },
}

impl InstanceKey {
    /// The part of the address after the name: nothing, `[0]` or `["key"]`.
    fn suffix(&self) -> String {
        match self {
            InstanceKey::Single => String::new(),
            InstanceKey::Index(index) => format!("[{index}]"),
            InstanceKey::Key { key, .. } => format!("[{key:?}]"),
        }
    }

    /// Declares `count.index` or `each.key`/`each.value` for the expressions inside the instance.
    fn declare_in(&self, context: &mut Context) {
        match self {
            InstanceKey::Single => {}
            InstanceKey::Index(index) => {
                context.declare_var("count", Value::from_iter([("index", Value::from(*index))]));
            }
            InstanceKey::Key { key, value } => {
                context.declare_var(
                    "each",
                    Value::from_iter([("key", Value::from(key.clone())), ("value", value.clone())]),
                );
            }
        }
    }
}

fn instance_keys(body: &hcl::Body, context: &Context, module_name: &str) -> Vec<InstanceKey> {
    if let Some(count) = attribute(body, "count") {
        let value = count
            .evaluate(context)
            .unwrap_or_else(|error| panic!("{module_name}: cannot evaluate count: {error}"));
        let count = value
            .as_u64()
            .unwrap_or_else(|| panic!("{module_name}: count is {value}, not a whole number"));
        return (0..count).map(InstanceKey::Index).collect();
    }
    if let Some(for_each) = attribute(body, "for_each") {
        let value = for_each
            .evaluate(context)
            .unwrap_or_else(|error| panic!("{module_name}: cannot evaluate for_each: {error}"));
        return match value {
            Value::Object(entries) => entries
                .into_iter()
                .map(|(key, value)| InstanceKey::Key { key, value })
                .collect(),
            Value::Array(items) => items
                .into_iter()
                .map(|item| match item {
                    Value::String(key) => InstanceKey::Key {
                        value: Value::from(key.clone()),
                        key,
                    },
                    other => {
                        panic!("{module_name}: for_each over a set of {other}, not of strings")
                    }
                })
                .collect(),
            other => panic!("{module_name}: for_each is {other}, neither a map nor a set"),
        };
    }
    vec![InstanceKey::Single]
}

/// Variable values as Terraform would see them: the caller's inputs, else the declared defaults.
fn variable_values(module: &TerraformModule, mut inputs: Map<String, Value>) -> Map<String, Value> {
    let empty = Context::new();
    let mut values = Map::new();
    for variable in module.blocks("variable") {
        let name = first_label(variable)
            .expect("a variable block has a name")
            .to_owned();
        let value = match inputs.shift_remove(&name) {
            Some(input) => Some(input),
            None => attribute(variable.body(), "default").map(|default| {
                default.evaluate(&empty).unwrap_or_else(|error| {
                    panic!(
                        "{}: default of variable {name} is not a constant: {error}",
                        module.name()
                    )
                })
            }),
        };
        if let Some(value) = value {
            values.insert(name, value);
        }
    }
    values
}

/// The locals that can be evaluated from variables and other locals; ones that need resource attributes (known
/// only after apply) are left out, and fail only if a `count` or `for_each` needs them.
fn evaluable_locals(module: &TerraformModule, context: &Context) -> Map<String, Value> {
    let pending: Vec<&hcl::Attribute> = module
        .blocks("locals")
        .flat_map(|block| block.body().attributes())
        .collect();
    let mut known = Map::new();
    // Locals may refer to each other in any order, so evaluate until a pass adds nothing.
    loop {
        let mut local_context = context.clone();
        local_context.declare_var("local", Value::Object(known.clone()));
        let before = known.len();
        for local in &pending {
            if !known.contains_key(local.key()) {
                if let Ok(value) = local.expr().evaluate(&local_context) {
                    known.insert(local.key().to_owned(), value);
                }
            }
        }
        if known.len() == before {
            return known;
        }
    }
}

fn evaluable_arguments(body: &hcl::Body, context: &Context) -> Map<String, Value> {
    const META_ARGUMENTS: [&str; 5] = ["source", "version", "count", "for_each", "depends_on"];
    body.attributes()
        .filter(|argument| !META_ARGUMENTS.contains(&argument.key()))
        .filter_map(|argument| {
            let value = argument.expr().evaluate(context).ok()?;
            Some((argument.key().to_owned(), value))
        })
        .collect()
}

/// The Terraform functions that `count`, `for_each` and the locals behind them use in modules/.
fn context_with_functions() -> Context<'static> {
    let mut context = Context::new();
    context.declare_func(
        "range",
        FuncDef::builder()
            .param(ParamType::Number)
            .variadic_param(ParamType::Number)
            .build(terraform_range),
    );
    context.declare_func(
        "toset",
        FuncDef::builder()
            .param(ParamType::array_of(ParamType::Any))
            .build(terraform_toset),
    );
    context.declare_func(
        "keys",
        FuncDef::builder()
            .param(ParamType::object_of(ParamType::Any))
            .build(terraform_keys),
    );
    context
}

/// `range(limit)` and `range(start, limit)` over whole numbers, as Terraform defines them.
fn terraform_range(arguments: FuncArgs) -> Result<Value, String> {
    let numbers: Vec<i64> = arguments
        .iter()
        .map(|argument| {
            argument
                .as_i64()
                .ok_or_else(|| format!("range takes whole numbers, got {argument}"))
        })
        .collect::<Result<_, _>>()?;
    let (start, limit) = match numbers[..] {
        [limit] => (0, limit),
        [start, limit] => (start, limit),
        _ => return Err("range with a step is not needed by these modules".to_owned()),
    };
    Ok((start..limit).map(Value::from).collect())
}

fn terraform_toset(arguments: FuncArgs) -> Result<Value, String> {
    let mut seen: Vec<Value> = Vec::new();
    for item in arguments[0].as_array().into_iter().flatten() {
        if !seen.contains(item) {
            seen.push(item.clone());
        }
    }
    Ok(Value::Array(seen))
}

fn terraform_keys(arguments: FuncArgs) -> Result<Value, String> {
    let object = arguments[0].as_object().ok_or("keys takes a map")?;
    let mut keys: Vec<&String> = object.keys().collect();
    keys.sort();
    Ok(keys
        .into_iter()
        .map(|key| Value::from(key.clone()))
        .collect())
}
