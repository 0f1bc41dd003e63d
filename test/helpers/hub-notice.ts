// The notice of Docker Hub's multi-arch template, line by line as the runner
// shows it (core escapes the newlines of a workflow command).
export function templateNotice(log: string): string[] {
  const line = log.split('\n').find((l) => l.startsWith("::notice::Docker Hub's multi-arch template"));
  return (line ?? '')
    .replace(/^::notice::/, '')
    .replace(/%0A/g, '\n')
    .replace(/%25/g, '%')
    .split('\n');
}
