// The SQL adapters of the Repository port, for Node entry points (they load native drivers).
export { openSqliteRepository, type SqliteRepositoryOptions } from './sqlite/open-sqlite-repository';
export { openPostgresRepository, type PostgresRepositoryOptions } from './pg/open-postgres-repository';
