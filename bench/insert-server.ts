// The ceiling for a form that writes: a bare Fastify route that does one
// INSERT in one transaction on PostgreSQL (DATABASE_URL), measured in the same
// run as the public sign-up. POST / inserts a row and answers 303, as a form does.
import Fastify from 'fastify';
import formbody from '@fastify/formbody';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
await pool.query(
  'create table if not exists bench_insert (id bigserial primary key, body text not null, at timestamptz not null default now())',
);
const app = Fastify({ logger: false });
await app.register(formbody);
app.post('/', async (request, reply) => {
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query('insert into bench_insert (body) values ($1)', [
      JSON.stringify(request.body),
    ]);
    await client.query('commit');
  } finally {
    client.release();
  }
  return reply.redirect('/done', 303);
});
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
const address = app.server.address();
process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : ''}\n`);
