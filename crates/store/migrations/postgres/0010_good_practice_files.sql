-- A file attached to a good practice entry (a case study's write-up, a
-- tool's workbook): one per entry, kept in the database so a backup holds it.
create table good_practice_file (
    practice_id bigint primary key references good_practice (id) on delete cascade,
    file_name text not null,
    content_type text not null,
    size bigint not null,
    bytes bytea not null,
    uploaded_by text not null,
    uploaded_on text not null
);
