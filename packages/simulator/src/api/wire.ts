import type { JsonObject, JsonValue } from '@bufbuild/protobuf';
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';

/**
 * Hand-written protobuf encoding for user listings, the hot path of a sync. Each user's DirectoryUser is encoded
 * once per change and copied into every page that lists it (see messages.ts); `userDetail`, a
 * google.protobuf.Struct, is encoded per request. Both write what `toBinary` would, without building and
 * walking messages reflectively.
 */

// One writer for everything: `finish()` copies the bytes out but keeps the grown buffer for the next use.
const writer = new BinaryWriter();

/** Field numbers of the DirectoryUser message, read from its descriptor. */
export interface UserFields {
  id: number;
  email: number;
  preferredUsername: number;
  givenName: number;
  familyName: number;
  updatedAt: number;
  emails: number;
  groups: number;
  groupId: number;
  groupDisplayName: number;
  timestampSeconds: number;
  timestampNanos: number;
}

export interface UserWireInput {
  id: string;
  email: string;
  username: string;
  givenName: string;
  familyName: string;
  seconds: bigint;
  nanos: number;
  emails: readonly string[];
  groups: readonly { id: string; displayName: string }[];
}

function stringField(no: number, value: string): void {
  // proto3 leaves empty strings out.
  if (value !== '') writer.tag(no, WireType.LengthDelimited).string(value);
}

/**
 * A DirectoryUser (without `userDetail`), length-delimited (the length varint, then the bytes, as protobuf-es
 * keeps a field in `$unknown`): the bytes `toBinary` writes, without building the message first.
 */
export function encodeUser(f: UserFields, user: UserWireInput): Uint8Array {
  writer.fork();
  stringField(f.id, user.id);
  stringField(f.email, user.email);
  stringField(f.preferredUsername, user.username);
  stringField(f.givenName, user.givenName);
  stringField(f.familyName, user.familyName);
  writer.tag(f.updatedAt, WireType.LengthDelimited).fork();
  if (user.seconds !== 0n) writer.tag(f.timestampSeconds, WireType.Varint).int64(user.seconds);
  if (user.nanos !== 0) writer.tag(f.timestampNanos, WireType.Varint).int32(user.nanos);
  writer.join();
  for (const email of user.emails) writer.tag(f.emails, WireType.LengthDelimited).string(email);
  for (const group of user.groups) {
    writer.tag(f.groups, WireType.LengthDelimited).fork();
    stringField(f.groupId, group.id);
    stringField(f.groupDisplayName, group.displayName);
    writer.join();
  }
  return writer.join().finish();
}

// Field numbers of google.protobuf.Struct, Struct.FieldsEntry, Value and ListValue.
const STRUCT_FIELDS = 1;
const ENTRY_KEY = 1;
const ENTRY_VALUE = 2;
const VALUE_NULL = 1;
const VALUE_NUMBER = 2;
const VALUE_STRING = 3;
const VALUE_BOOL = 4;
const VALUE_STRUCT = 5;
const VALUE_LIST = 6;
const LIST_VALUES = 1;

function writeValue(value: JsonValue): void {
  if (value === null) writer.tag(VALUE_NULL, WireType.Varint).int32(0);
  else if (typeof value === 'string') writer.tag(VALUE_STRING, WireType.LengthDelimited).string(value);
  else if (typeof value === 'number') writer.tag(VALUE_NUMBER, WireType.Bit64).double(value);
  else if (typeof value === 'boolean') writer.tag(VALUE_BOOL, WireType.Varint).bool(value);
  else if (Array.isArray(value)) {
    writer.tag(VALUE_LIST, WireType.LengthDelimited).fork();
    for (const item of value) {
      writer.tag(LIST_VALUES, WireType.LengthDelimited).fork();
      writeValue(item);
      writer.join();
    }
    writer.join();
  } else {
    writer.tag(VALUE_STRUCT, WireType.LengthDelimited).fork();
    writeStruct(value);
    writer.join();
  }
}

function writeStruct(object: JsonObject): void {
  for (const key in object) {
    const value = object[key];
    if (value === undefined) continue;
    writer.tag(STRUCT_FIELDS, WireType.LengthDelimited).fork();
    writer.tag(ENTRY_KEY, WireType.LengthDelimited).string(key);
    writer.tag(ENTRY_VALUE, WireType.LengthDelimited).fork();
    writeValue(value);
    writer.join().join();
  }
}

/**
 * An encoded message with one more field appended: a JSON object as a google.protobuf.Struct under field
 * `no`. Length-delimited, like `encodeUser`.
 */
export function withStructField(message: Uint8Array, no: number, object: JsonObject): Uint8Array {
  writer.fork().raw(message).tag(no, WireType.LengthDelimited).fork();
  writeStruct(object);
  return writer.join().join().finish();
}
