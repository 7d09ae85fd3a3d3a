fn main() {
    // cfgs such as Py_3_12, for the parts that depend on the interpreter (src/pylong.rs).
    pyo3_build_config::use_pyo3_cfgs();
    built::write_built_file().expect("could not record build information");
}
