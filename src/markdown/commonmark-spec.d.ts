/** The CommonMark spec's examples (devDependency `commonmark-spec`, CommonJS, untyped). */
declare module 'commonmark-spec' {
  interface SpecExample {
    markdown: string;
    html: string;
    section: string;
    number: number;
  }
  const spec: { text: string; tests: SpecExample[] };
  export default spec;
}
