//! Reading the Terraform in `modules/` as HCL: one parsed body per `.tf` file, grouped by module directory, plus
//! the small lookups the checks share. Parsing is done by hcl-rs, so a file Terraform could not read fails here too.

use std::path::{Path, PathBuf};

use crate::support::crate_root;

/// The root modules agentlab deploys, as directories under `modules/`.
pub const ROOT_MODULES: [&str; 3] = ["lxc", "lxc-fleet", "ubuntu-vm"];

pub fn modules_dir() -> PathBuf {
    crate_root().join("modules")
}

/// One Terraform module: the directory and every `.tf` file in it (not in subdirectories), parsed.
pub struct TerraformModule {
    pub dir: PathBuf,
    pub files: Vec<(PathBuf, hcl::Body)>,
}

impl TerraformModule {
    /// Parses every `.tf` file in `dir`; a file that is not valid HCL fails the test with its path and the error.
    pub fn load(dir: &Path) -> TerraformModule {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap_or_else(|error| panic!("cannot list {}: {error}", dir.display()))
            .map(|entry| entry.expect("directory entry").path())
            .filter(|path| path.extension().is_some_and(|extension| extension == "tf"))
            .collect();
        paths.sort();
        let files = paths
            .into_iter()
            .map(|path| {
                let text = std::fs::read_to_string(&path)
                    .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
                let body = hcl::parse(&text)
                    .unwrap_or_else(|error| panic!("{} is not valid HCL: {error}", path.display()));
                (path, body)
            })
            .collect();
        TerraformModule {
            dir: dir.to_path_buf(),
            files,
        }
    }

    /// The module's name relative to `modules/`, for messages (`lxc/container`).
    pub fn name(&self) -> String {
        self.dir
            .strip_prefix(modules_dir())
            .unwrap_or(&self.dir)
            .display()
            .to_string()
    }

    /// Every top-level block with the given type (`variable`, `resource`, `module`, ...), across all files.
    pub fn blocks<'a>(
        &'a self,
        identifier: &str,
    ) -> impl Iterator<Item = &'a hcl::Block> + use<'a> {
        let identifier = identifier.to_owned();
        self.files
            .iter()
            .flat_map(|(_, body)| body.blocks())
            .filter(move |block| block.identifier() == identifier)
    }

    /// The top-level block with the given type and first label, e.g. `output "guests"`.
    pub fn block_labelled(&self, identifier: &str, label: &str) -> Option<&hcl::Block> {
        self.blocks(identifier)
            .find(|block| first_label(block) == Some(label))
    }
}

/// Every directory under `modules/` that holds `.tf` files, sorted; `.terraform` working directories are skipped.
pub fn all_module_dirs() -> Vec<PathBuf> {
    fn walk(dir: &Path, found: &mut Vec<PathBuf>) {
        let mut has_tf = false;
        for entry in std::fs::read_dir(dir).expect("modules/ is readable") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                if path.file_name().is_some_and(|name| name != ".terraform") {
                    walk(&path, found);
                }
            } else if path.extension().is_some_and(|extension| extension == "tf") {
                has_tf = true;
            }
        }
        if has_tf {
            found.push(dir.to_path_buf());
        }
    }
    let mut found = Vec::new();
    walk(&modules_dir(), &mut found);
    found.sort();
    found
}

pub fn first_label(block: &hcl::Block) -> Option<&str> {
    block.labels().first().map(|label| label.as_str())
}

pub fn attribute<'a>(body: &'a hcl::Body, key: &str) -> Option<&'a hcl::Expression> {
    body.attributes()
        .find(|attribute| attribute.key() == key)
        .map(|attribute| attribute.expr())
}

/// The value of an attribute that must be a plain string literal.
pub fn string_attribute<'a>(body: &'a hcl::Body, key: &str) -> Option<&'a str> {
    match attribute(body, key)? {
        hcl::Expression::String(value) => Some(value),
        _ => None,
    }
}

/// The `terraform { ... }` blocks of a module (usually one).
pub fn terraform_blocks(module: &TerraformModule) -> Vec<&hcl::Block> {
    module.blocks("terraform").collect()
}
