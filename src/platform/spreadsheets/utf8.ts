/**
 * Text from chunks of UTF-8 bytes. One decoder runs across the chunks, so a
 * character split between two of them (’ in O’Brien, ŵ in Welsh) survives;
 * a leading byte order mark is dropped.
 */
export async function* decodeUtf8(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of chunks) {
    const text = decoder.decode(chunk, { stream: true });
    if (text) yield text;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}
