// The SQL adapters of the Repository port, for Node entry points (they load native drivers). The
// Workers entry imports the D1 adapter from ./d1/open-d1-repository instead, which loads none.
export { openSqliteRepository, type SqliteRepositoryOptions } from './sqlite/open-sqlite-repository';
export { openPostgresRepository, type PostgresRepositoryOptions } from './pg/open-postgres-repository';
