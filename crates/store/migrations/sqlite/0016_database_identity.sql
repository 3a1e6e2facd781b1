-- A random name for this database, made when it is created and never
-- copied by a backup (a restore makes its own): the values snapshot beside
-- an SQLite file says which database it was read from, so a file replaced
-- by another, even one at the same change-log sequence, is told apart.
create table database_identity (
    id text not null
);
insert into database_identity (id) values (lower(hex(randomblob(16))));
