import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A streaming reader for multipart/form-data (RFC 7578) that writes each uploaded file straight
 * to disk, so an extract of any size passes through a small, fixed amount of memory (the body
 * is never buffered whole, unlike Request.formData()). Every file part must be named by
 * `acceptName`; the total size is counted and capped; form fields that are not files are read
 * (at most 1 KB each) and ignored.
 */
export class UploadError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    readonly code: 'bad_upload' | 'payload_too_large' | 'unsupported_media_type',
    message: string,
  ) {
    super(message);
  }
}

export interface ReceivedFile {
  /** The file name as sent (already accepted by acceptName). */
  name: string;
  path: string;
  bytes: number;
}

export interface ReceiveOptions {
  /** A private folder to write the files into (named after `name`). */
  dir: string;
  maxBytes: number;
  /** Returns null to accept a part's file name, or the reason it is refused. */
  acceptName: (name: string) => string | null;
  /** Told the running total of body bytes read. */
  onBytes?: (bytes: number) => void;
}

const MAX_HEADER_BYTES = 16 * 1024;
const MAX_FIELD_BYTES = 1024;
const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

/** The boundary of a multipart/form-data content type, or an UploadError. */
export function boundaryOf(contentType: string | undefined): string {
  const type = contentType ?? '';
  if (!/^multipart\/form-data\s*(;|$)/i.test(type)) throw new UploadError(415, 'unsupported_media_type', 'send the extract as multipart/form-data, one part per CSV file');
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(type);
  const boundary = m?.[1] ?? m?.[2];
  if (!boundary) throw new UploadError(400, 'bad_upload', 'the multipart/form-data content type has no boundary (1 to 70 characters)');
  return boundary;
}

interface PartHeaders {
  name: string | null;
  filename: string | null;
}

function parseHeaders(block: string): PartHeaders {
  let name: string | null = null;
  let filename: string | null = null;
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new UploadError(400, 'bad_upload', `a part has a malformed header line: ${JSON.stringify(line.slice(0, 80))}`);
    if (line.slice(0, colon).trim().toLowerCase() !== 'content-disposition') continue;
    const value = line.slice(colon + 1);
    if (!/^\s*form-data\s*(;|$)/i.test(value)) throw new UploadError(400, 'bad_upload', 'a part is not form-data');
    name = /;\s*name="([^"]*)"/i.exec(value)?.[1] ?? null;
    filename = /;\s*filename="([^"]*)"/i.exec(value)?.[1] ?? null;
  }
  return { name, filename };
}

type State = 'preamble' | 'after-delimiter' | 'headers' | 'body' | 'end';

export async function receiveMultipart(body: ReadableStream<Uint8Array> | null, contentType: string | undefined, options: ReceiveOptions): Promise<ReceivedFile[]> {
  const boundary = boundaryOf(contentType);
  if (!body) throw new UploadError(400, 'bad_upload', 'the request has no body');
  // With a CRLF put in front of the body, every boundary is CRLF "--" boundary, the first too.
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const keep = delimiter.length - 1;
  const files: ReceivedFile[] = [];
  const seen = new Set<string>();
  let state: State = 'preamble';
  let buf: Buffer = Buffer.from(CRLF);
  let total = 0;
  let file: { handle: FileHandle; received: ReceivedFile } | null = null;
  let fieldBytes = 0;

  const writeOut = async (bytes: Buffer): Promise<void> => {
    if (bytes.length === 0) return;
    if (file) {
      await file.handle.write(bytes);
      file.received.bytes += bytes.length;
    } else {
      fieldBytes += bytes.length;
      if (fieldBytes > MAX_FIELD_BYTES) throw new UploadError(400, 'bad_upload', `a form field that is not a file is longer than ${MAX_FIELD_BYTES} bytes`);
    }
  };
  const closeFile = async (): Promise<void> => {
    if (!file) return;
    const f = file;
    file = null;
    await f.handle.close();
    files.push(f.received);
  };
  const startPart = async (headers: PartHeaders): Promise<void> => {
    fieldBytes = 0;
    if (headers.filename === null) return; // a plain field: read and ignored
    const refused = options.acceptName(headers.filename);
    if (refused) throw new UploadError(400, 'bad_upload', refused);
    if (seen.has(headers.filename)) throw new UploadError(400, 'bad_upload', `${headers.filename} is uploaded twice`);
    seen.add(headers.filename);
    const path = join(options.dir, headers.filename);
    file = { handle: await open(path, 'wx', 0o600), received: { name: headers.filename, path, bytes: 0 } };
  };

  /** Consumes as much of `buf` as the state allows; false when it needs more bytes. */
  const step = async (): Promise<boolean> => {
    switch (state) {
      case 'preamble':
      case 'body': {
        const at = buf.indexOf(delimiter);
        if (at === -1) {
          const cut = Math.max(0, buf.length - keep);
          if (state === 'body') await writeOut(buf.subarray(0, cut));
          buf = buf.subarray(cut);
          return false;
        }
        if (state === 'body') {
          await writeOut(buf.subarray(0, at));
          await closeFile();
        }
        buf = buf.subarray(at + delimiter.length);
        state = 'after-delimiter';
        return true;
      }
      case 'after-delimiter': {
        // After a boundary: "--" ends the body; otherwise optional spaces and tabs, then CRLF.
        if (buf.length < 2) return false;
        if (buf[0] === 0x2d && buf[1] === 0x2d) {
          state = 'end';
          return false;
        }
        const eol = buf.indexOf(CRLF);
        if (eol === -1) {
          if (buf.length > 256) throw new UploadError(400, 'bad_upload', 'malformed multipart body: a boundary line does not end');
          return false;
        }
        if (!/^[ \t]*$/.test(buf.subarray(0, eol).toString('latin1'))) throw new UploadError(400, 'bad_upload', 'malformed multipart body: text after a boundary');
        buf = buf.subarray(eol + 2);
        state = 'headers';
        return true;
      }
      case 'headers': {
        const end = buf.indexOf(HEADER_END);
        if (end === -1) {
          if (buf.length > MAX_HEADER_BYTES) throw new UploadError(400, 'bad_upload', `a part's headers are longer than ${MAX_HEADER_BYTES} bytes`);
          return false;
        }
        await startPart(parseHeaders(buf.subarray(0, end).toString('utf8')));
        buf = buf.subarray(end + HEADER_END.length);
        state = 'body';
        return true;
      }
      case 'end':
        return false;
    }
  };

  // `state` changes inside step(); read it through a call so the compiler does not narrow it.
  const now = (): State => state;
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > options.maxBytes) throw new UploadError(413, 'payload_too_large', `an upload is limited to ${options.maxBytes} bytes`);
      options.onBytes?.(total);
      if (now() === 'end') continue; // the epilogue is ignored
      buf = buf.length === 0 ? Buffer.from(value) : Buffer.concat([buf, value]);
      while (await step());
    }
    if (now() !== 'end') throw new UploadError(400, 'bad_upload', 'the upload ended before its closing boundary (was it cut short?)');
    if (files.length === 0) throw new UploadError(400, 'bad_upload', 'the upload holds no files');
    return files;
  } catch (err) {
    await reader.cancel().catch(() => undefined);
    throw err;
  } finally {
    if (file) await (file as { handle: FileHandle }).handle.close().catch(() => undefined);
  }
}
