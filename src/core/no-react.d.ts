// What `react`, `react-dom` and `preact` resolve to inside the src/core project (see its
// tsconfig.json): a module with nothing in it, so any import from them fails to compile.
// The engine reaches React only through subscribe/getSnapshot, from src/.
export type SrcCoreMustNotImportReact = never;
