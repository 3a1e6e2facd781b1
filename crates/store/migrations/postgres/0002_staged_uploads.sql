create table staged_upload (
    token text primary key,
    kind text not null,
    file_name text not null,
    content bytea not null,
    staged_by text not null,
    expires_at bigint not null
);
create index staged_upload_by_expiry on staged_upload (expires_at);
comment on table staged_upload is 'files checked by an import''s preview and waiting for the user to confirm them: kept here rather than in a server''s memory, so whichever app instance receives the confirmation can write exactly the bytes that were checked; expires_at is in seconds since 1970 (UTC)';
