-- A random name for this database, made when it is created and never
-- copied by a backup (a restore makes its own), as on SQLite, where the
-- values snapshot beside the file says which database it was read from.
create table database_identity (
    id text not null
);
insert into database_identity (id) values (md5(random()::text || clock_timestamp()::text));
comment on table database_identity is 'a random name for this database, made when it is created; left out of backups';
