// wrangler and vitest-pool-workers load `*.wasm` imports as CompiledWasm: the default export is an
// already-compiled module, because Workers forbid compiling WebAssembly from bytes at run time.
declare module "*.wasm" {
  const compiled: WebAssembly.Module;
  export default compiled;
}
