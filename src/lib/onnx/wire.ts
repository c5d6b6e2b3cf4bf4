/**
 * Protobuf at the wire level, for rewriting a message without decoding all of it: `scan` lists the fields
 * of a message as byte ranges, and an output message is a list of pieces (bytes copied as they were, a
 * rebuilt sub-message, or a payload filled only when written). Sizes are known before any byte is
 * written, so the result is allocated once and large payloads are produced one at a time.
 *
 *   const fields = scan(bytes, 0, bytes.length);               // → [{ field: 1, wireType: 0, start: 0, … }, …]
 *   const out = await encode([slice(bytes, fields[0]), message(7, [stringField(2, 'g')])]);
 */
import { Reader, Writer } from 'protobufjs/minimal.js';

/** One field of a message: its tag starts at `start`, its value at `valueStart`, and it ends before `end`. */
export interface WireField {
  readonly field: number;
  readonly wireType: number;
  readonly start: number;
  readonly valueStart: number;
  readonly end: number;
}

type WireReader = InstanceType<typeof Reader>;

function readerAt(bytes: Uint8Array, start: number, end: number): WireReader {
  const reader = Reader.create(bytes);
  reader.pos = start;
  reader.len = end;
  return reader;
}

/** The fields of the message in `bytes[start, end)`, in their order. */
export function scan(bytes: Uint8Array, start: number, end: number): WireField[] {
  const reader = readerAt(bytes, start, end);
  const fields: WireField[] = [];
  while (reader.pos < end) {
    const fieldStart = reader.pos;
    const tag = reader.uint32();
    const wireType = tag & 7;
    let valueStart = reader.pos;
    if (wireType === 2) {
      const length = reader.uint32();
      valueStart = reader.pos;
      reader.skip(length);
    } else {
      reader.skipType(wireType);
    }
    if (reader.pos > end) throw new Error(`field ${tag >>> 3} runs past the end of its message`);
    fields.push({ field: tag >>> 3, wireType, start: fieldStart, valueStart, end: reader.pos });
  }
  return fields;
}

/** A varint field's value (int32/int64/enum), as a number. */
export function varintOf(bytes: Uint8Array, field: WireField): number {
  const value: unknown = readerAt(bytes, field.valueStart, field.end).int64();
  return typeof value === 'number' ? value : (value as { toNumber(): number }).toNumber();
}

/** A string field's text. */
export function stringOf(bytes: Uint8Array, field: WireField): string {
  return new TextDecoder().decode(bytes.subarray(field.valueStart, field.end));
}

/** The field's bytes as they are, tag included: copying it keeps whatever it holds. */
export function slice(bytes: Uint8Array, field: WireField): Uint8Array {
  return bytes.subarray(field.start, field.end);
}

/** A length-delimited sub-message made of pieces. */
export interface MessagePiece {
  readonly field: number;
  readonly pieces: readonly Piece[];
}

/** Length-delimited bytes of a known length, made only when written (a tensor's data). */
export interface PayloadPiece {
  readonly field: number;
  readonly length: number;
  readonly fill: (into: Uint8Array) => void;
}

export type Piece = Uint8Array | MessagePiece | PayloadPiece;

export function message(field: number, pieces: readonly Piece[]): MessagePiece {
  return { field, pieces };
}

const WIRE_VARINT = 0;
const WIRE_DELIMITED = 2;
const WIRE_FIXED32 = 5;

function encoded(write: (writer: InstanceType<typeof Writer>) => void): Uint8Array {
  const writer = Writer.create();
  write(writer);
  return writer.finish();
}

export function varintField(field: number, value: number): Uint8Array {
  return encoded((writer) => writer.uint32((field << 3) | WIRE_VARINT).int64(value));
}

export function floatField(field: number, value: number): Uint8Array {
  return encoded((writer) => writer.uint32((field << 3) | WIRE_FIXED32).float(value));
}

export function stringField(field: number, value: string): Uint8Array {
  return encoded((writer) => writer.uint32((field << 3) | WIRE_DELIMITED).string(value));
}

function varintLength(value: number): number {
  let length = 1;
  while (value >= 128) {
    value = Math.floor(value / 128);
    length++;
  }
  return length;
}

function writeVarint(into: Uint8Array, at: number, value: number): number {
  while (value >= 128) {
    into[at++] = (value % 128) | 128;
    value = Math.floor(value / 128);
  }
  into[at++] = value;
  return at;
}

const sizes = new WeakMap<MessagePiece, number>();

function bodySize(pieces: readonly Piece[]): number {
  let total = 0;
  for (const piece of pieces) total += pieceSize(piece);
  return total;
}

function pieceSize(piece: Piece): number {
  if (piece instanceof Uint8Array) return piece.length;
  const tag = varintLength((piece.field << 3) | WIRE_DELIMITED);
  if ('fill' in piece) return tag + varintLength(piece.length) + piece.length;
  let body = sizes.get(piece);
  if (body === undefined) {
    body = bodySize(piece.pieces);
    sizes.set(piece, body);
  }
  return tag + varintLength(body) + body;
}

/** Bytes the pieces take once written. */
export function encodedSize(pieces: readonly Piece[]): number {
  return bodySize(pieces);
}

/** Called after each payload is written: a long rewrite reports progress and yields there. */
export type AfterPayload = (length: number) => Promise<void> | void;

async function writePieces(
  pieces: readonly Piece[],
  into: Uint8Array,
  at: number,
  afterPayload: AfterPayload | undefined,
): Promise<number> {
  for (const piece of pieces) {
    if (piece instanceof Uint8Array) {
      into.set(piece, at);
      at += piece.length;
      continue;
    }
    at = writeVarint(into, at, (piece.field << 3) | WIRE_DELIMITED);
    if ('fill' in piece) {
      at = writeVarint(into, at, piece.length);
      piece.fill(into.subarray(at, at + piece.length));
      at += piece.length;
      await afterPayload?.(piece.length);
    } else {
      at = writeVarint(into, at, sizes.get(piece) ?? bodySize(piece.pieces));
      at = await writePieces(piece.pieces, into, at, afterPayload);
    }
  }
  return at;
}

/** Writes the pieces into one buffer allocated at its final size. */
export async function encode(pieces: readonly Piece[], afterPayload?: AfterPayload): Promise<Uint8Array> {
  const out = new Uint8Array(encodedSize(pieces));
  const end = await writePieces(pieces, out, 0, afterPayload);
  if (end !== out.length) throw new Error(`wrote ${end} bytes of ${out.length}`);
  return out;
}
