#!/usr/bin/env node
// Fails when a tracked file still holds the markers of an unresolved merge (`<<<<<<< ` ... `>>>>>>> `).
// Biome checks code; this also covers Markdown, SQL, Prisma schemas and everything else git tracks.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const files = execFileSync('git', ['ls-files', '-z'], { encoding: 'utf8' }).split('\0').filter(Boolean);
const found = [];
for (const file of files) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    continue; // deleted in the work tree, or not a regular file
  }
  if (!text.includes('<<<<<<< ')) continue;
  text.split('\n').forEach((line, index) => {
    if (line.startsWith('<<<<<<< ') || line.startsWith('>>>>>>> ')) found.push(`${file}:${index + 1}: ${line}`);
  });
}
if (found.length > 0) {
  console.error(`unresolved merge markers:\n${found.join('\n')}`);
  process.exit(1);
}
console.log(`no merge markers in ${files.length} tracked files`);
