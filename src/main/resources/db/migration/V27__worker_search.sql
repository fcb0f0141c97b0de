-- the console's people search: names, department, title, e-mail, userName and employee number,
-- lower-cased, in a narrow table of their own (a scan of it reads no HR record); filled by V28
create table hr_worker_search (
    employee_number varchar(64)   primary key,
    search_key      varchar(2000) not null
);
