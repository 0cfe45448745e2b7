import { runAdmin } from './run-admin.ts';

// `npm run admin -- <command>`; see run-admin.ts. The exit code is set, not forced, so output is flushed first.
process.exitCode = await runAdmin(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
