fn main() {
    built::write_built_file().expect("could not record build information");
}
