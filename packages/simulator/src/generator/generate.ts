import { createRandom, type Random } from '../random.js';
import type { DirectoryProvider, UserProfile } from '../state/types.js';
import {
  COMPANIES,
  DEPARTMENTS,
  type Department,
  FAMILY_NAMES,
  GIVEN_NAMES,
  OFFICES,
  type Office,
  PROJECT_NAMES,
  USER_TYPES,
} from './data.js';

export interface GeneratedGroup {
  displayName: string;
  externalId: string;
}

export interface GeneratedUser extends UserProfile {
  /** Indexes into `GeneratedDirectory.groups`, ascending. */
  groupIndexes: number[];
}

export interface GeneratedDirectory {
  companyName: string;
  domain: string;
  groups: GeneratedGroup[];
  /**
   * The users, generated one at a time as they are taken, so that a big directory's intermediate objects die
   * young instead of all being kept until the end. Can be iterated once.
   */
  users: Generator<GeneratedUser>;
}

export interface GenerateOptions {
  users: number;
  groups: number;
  seed: number | string;
  provider: DirectoryProvider;
  domain?: string;
}

/** Who belongs to a group, decided per user from the attributes drawn for it. */
type GroupRule =
  | { kind: 'everyone' }
  | { kind: 'department'; department: Department }
  | { kind: 'team'; department: Department; team: string }
  | { kind: 'office'; office: Office }
  | { kind: 'user-type'; types: readonly string[] }
  | { kind: 'tool'; chance: (department: Department) => number }
  | { kind: 'project'; rank: number };

interface GroupTemplate {
  name: string;
  rule: GroupRule;
}

const byName = (name: string): Department => DEPARTMENTS.find((d) => d.name === name)!;
const engineeringLike = new Set(['Engineering', 'Product', 'Design']);

const TOOL_GROUPS: readonly GroupTemplate[] = [
  { name: 'VPN Users', rule: { kind: 'tool', chance: () => 0.35 } },
  {
    name: 'GitHub Users',
    rule: { kind: 'tool', chance: (d) => (engineeringLike.has(d.name) ? 0.95 : d.name === 'IT' ? 0.5 : 0.03) },
  },
  { name: 'Okta Admins', rule: { kind: 'tool', chance: (d) => (d.name === 'IT' ? 0.25 : 0) } },
  { name: 'Slack Admins', rule: { kind: 'tool', chance: (d) => (d.name === 'IT' ? 0.1 : 0.002) } },
  { name: 'On-call', rule: { kind: 'tool', chance: (d) => (d.name === 'Engineering' ? 0.3 : 0) } },
  { name: 'Security Champions', rule: { kind: 'tool', chance: (d) => (d.name === 'Engineering' ? 0.04 : 0.005) } },
  { name: 'Interview Panel', rule: { kind: 'tool', chance: () => 0.08 } },
  { name: 'Mentors', rule: { kind: 'tool', chance: () => 0.04 } },
];

/**
 * Groups in the order a growing company would have them: everyone, the big departments, a few tools and
 * offices, the rest; then one group per team; then projects, as many as asked for.
 */
function groupTemplates(count: number): GroupTemplate[] {
  const dept = (name: string): GroupTemplate => ({ name, rule: { kind: 'department', department: byName(name) } });
  const office = (city: string): GroupTemplate => ({
    name: `Office - ${city}`,
    rule: { kind: 'office', office: OFFICES.find((o) => o.city === city)! },
  });
  const tool = (name: string): GroupTemplate => TOOL_GROUPS.find((t) => t.name === name)!;
  const templates: GroupTemplate[] = [
    { name: 'All Employees', rule: { kind: 'everyone' } },
    dept('Engineering'),
    dept('Sales'),
    tool('VPN Users'),
    dept('Customer Support'),
    dept('Marketing'),
    tool('GitHub Users'),
    dept('Product'),
    { name: 'Contractors', rule: { kind: 'user-type', types: ['Contractor', 'Intern'] } },
    dept('Operations'),
    dept('Finance'),
    office('New York'),
    office('London'),
    dept('People'),
    dept('Design'),
    dept('IT'),
    tool('Okta Admins'),
    dept('Legal'),
    office('San Francisco'),
    office('Bangalore'),
    tool('On-call'),
    tool('Slack Admins'),
    office('Berlin'),
    office('Sydney'),
    office('São Paulo'),
    office('Paris'),
    office('Tokyo'),
    tool('Security Champions'),
    tool('Interview Panel'),
    tool('Mentors'),
  ];
  for (const department of DEPARTMENTS) {
    for (const team of department.teams) {
      templates.push({ name: `${department.slug}-${team}`, rule: { kind: 'team', department, team } });
    }
  }
  for (let rank = 1; templates.length < count; rank++) {
    const base = PROJECT_NAMES[(rank - 1) % PROJECT_NAMES.length]!;
    const round = Math.floor((rank - 1) / PROJECT_NAMES.length);
    templates.push({
      name: round === 0 ? `Project ${base}` : `Project ${base} ${round + 1}`,
      rule: { kind: 'project', rank },
    });
  }
  return templates.slice(0, count);
}

/** Draws items in proportion to their weights: one binary search over precomputed cumulative weights. */
function weightedPicker<T>(random: Random, items: readonly T[], weight: (item: T) => number): () => T {
  const cumulative: number[] = [];
  let total = 0;
  for (const item of items) {
    total += weight(item);
    cumulative.push(total);
  }
  return () => {
    const r = random.next() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! <= r) lo = mid + 1;
      else hi = mid;
    }
    return items[lo]!;
  };
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const HEX = '0123456789abcdef';

function chars(random: Random, alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(random.next() * alphabet.length)];
  return out;
}

/** An id in the identity provider's own format (`dp_id` / `external_id`). */
function providerId(random: Random, provider: DirectoryProvider, kind: 'user' | 'group'): string {
  switch (provider) {
    case 'OKTA':
      return (kind === 'user' ? '00u' : '00g') + chars(random, BASE62, 17);
    case 'MICROSOFT_AD': {
      const h = chars(random, HEX, 32);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
    }
    case 'GOOGLE':
      return kind === 'user' ? `1${chars(random, '0123456789', 20)}` : `0${chars(random, HEX, 14)}`;
    default:
      return chars(random, HEX, 24);
  }
}

/** Lowercase ASCII letters and digits only: what an email local part made from a name looks like. */
function emailPart(name: string): string {
  let part = emailParts.get(name);
  if (part === undefined) {
    part = asciiLower(name);
    emailParts.set(name, part);
  }
  return part;
}

const emailParts = new Map<string, string>();

function asciiLower(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

function slug(name: string): string {
  return asciiLower(name.replace(/\s+/g, '-').replace(/[^A-Za-z0-9-]/g, '')) || 'company';
}

/** Zipf-like: the first projects are much bigger than the last ones. */
function projectPicker(random: Random, projectIndexes: readonly number[]): () => number | undefined {
  if (projectIndexes.length === 0) return () => undefined;
  const ranked = projectIndexes.map((index, i) => ({ index, weight: 1 / (i + 1) ** 0.9 }));
  const pick = weightedPicker(random, ranked, (p) => p.weight);
  return () => pick().index;
}

/** How many projects a user works on: most none or one, a few several. */
const PROJECT_COUNTS: readonly (readonly [count: number, weight: number])[] = [
  [0, 45],
  [1, 30],
  [2, 15],
  [3, 7],
  [4, 3],
];

/**
 * Builds a realistic directory from a seed: the same options give the same directory on every machine.
 * Linear in users.
 */
export function generateDirectory(options: GenerateOptions): GeneratedDirectory {
  const random = createRandom(options.seed, 2);
  const companyName = random.pick(COMPANIES);
  const domain = options.domain ?? `${slug(companyName)}.example.com`;
  const templates = groupTemplates(options.groups);
  const groups: GeneratedGroup[] = templates.map((t) => ({
    displayName: t.name,
    externalId: providerId(random, options.provider, 'group'),
  }));

  // Group indexes by rule, so each user is matched in constant time per rule kind.
  let everyone = -1;
  const departmentGroup = new Map<Department, number>();
  const teamGroup = new Map<string, number>();
  const officeGroup = new Map<Office, number>();
  const userTypeGroups: { index: number; types: readonly string[] }[] = [];
  const toolGroups: { index: number; chance: (d: Department) => number }[] = [];
  const projectIndexes: number[] = [];
  templates.forEach((t, index) => {
    const rule = t.rule;
    switch (rule.kind) {
      case 'everyone':
        everyone = index;
        break;
      case 'department':
        departmentGroup.set(rule.department, index);
        break;
      case 'team':
        teamGroup.set(`${rule.department.slug}/${rule.team}`, index);
        break;
      case 'office':
        officeGroup.set(rule.office, index);
        break;
      case 'user-type':
        userTypeGroups.push({ index, types: rule.types });
        break;
      case 'tool':
        toolGroups.push({ index, chance: rule.chance });
        break;
      case 'project':
        projectIndexes.push(index);
        break;
    }
  });
  const pickProject = projectPicker(random, projectIndexes);
  const pickDepartment = weightedPicker(random, DEPARTMENTS, (d) => d.weight);
  const pickTitle = new Map(DEPARTMENTS.map((d) => [d, weightedPicker(random, d.titles, (t) => t[1])]));
  const pickOffice = weightedPicker(random, OFFICES, (o) => o.weight);
  const pickUserType = weightedPicker(random, USER_TYPES, (t) => t[1]);
  const pickProjectCount = weightedPicker(random, PROJECT_COUNTS, (p) => p[1]);

  const usedEmails = new Map<string, number>();
  const employeeBase = random.int(10_000, 80_000);
  function* users(): Generator<GeneratedUser> {
    for (let i = 0; i < options.users; i++) {
      const givenName = random.pick(GIVEN_NAMES);
      const familyName = random.pick(FAMILY_NAMES);
      const department = pickDepartment();
      const title = pickTitle.get(department)!()[0];
      const team = random.pick(department.teams);
      const office = pickOffice();
      const userType = pickUserType()[0];

      const local = `${emailPart(givenName)}.${emailPart(familyName)}`;
      const seen = usedEmails.get(local) ?? 0;
      usedEmails.set(local, seen + 1);
      const email = `${seen === 0 ? local : `${local}${seen + 1}`}@${domain}`;
      const emails = random.chance(0.05)
        ? [email, `${emailPart(givenName)[0]}${emailPart(familyName)}@${domain}`]
        : [email];
      const nickname = givenName.length > 6 && random.chance(0.15) ? givenName.slice(0, 4) : null;
      const startDate = `${2012 + random.int(0, 12)}-${pad2(random.int(1, 12))}-${pad2(random.int(1, 28))}`;

      const groupIndexes: number[] = [];
      if (everyone >= 0 && userType === 'Employee') groupIndexes.push(everyone);
      const dept = departmentGroup.get(department);
      if (dept !== undefined) groupIndexes.push(dept);
      const teamIndex = teamGroup.get(`${department.slug}/${team}`);
      if (teamIndex !== undefined) groupIndexes.push(teamIndex);
      const officeIndex = officeGroup.get(office);
      if (officeIndex !== undefined) groupIndexes.push(officeIndex);
      for (const g of userTypeGroups) if (g.types.includes(userType)) groupIndexes.push(g.index);
      for (const g of toolGroups) if (random.chance(g.chance(department))) groupIndexes.push(g.index);
      const projects = pickProjectCount()[0];
      for (let p = 0; p < projects; p++) {
        const index = pickProject();
        if (index !== undefined && !groupIndexes.includes(index)) groupIndexes.push(index);
      }
      groupIndexes.sort((a, b) => a - b);

      yield {
        externalId: providerId(random, options.provider, 'user'),
        email,
        emails,
        username: email,
        givenName,
        familyName,
        displayName: `${givenName} ${familyName}`,
        nickname,
        title,
        department: department.name,
        division: department.division,
        costCenter: `CC-${department.costCenterCode}`,
        employeeId: `E${String(employeeBase + i).padStart(6, '0')}`,
        userType,
        phoneNumber: `+1-555-${String(random.int(100, 999))}-${String(random.int(0, 9999)).padStart(4, '0')}`,
        locale: office.locale,
        language: office.locale.slice(0, 2),
        zoneinfo: office.zoneinfo,
        picture: null,
        profile: null,
        address: {
          formatted: `${office.city}, ${office.country}`,
          locality: office.city,
          region: office.region,
          country: office.country,
        },
        roles: [],
        customAttributes: { start_date: startDate, office: office.city },
        groupIndexes,
      };
    }
  }
  return { companyName, domain, groups, users: users() };
}
