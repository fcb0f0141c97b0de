-- sponsorship: people not in HR (contractors, vendors), each vouched for by an HR worker
create table sponsorship (
    employee_number varchar(64)  primary key,
    sponsor         varchar(64)  not null,
    end_date        date         not null,
    status          varchar(16)  not null,
    review_reason   varchar(1000),
    review_deadline timestamp with time zone,
    created_at      timestamp with time zone not null,
    created_by      varchar(200) not null
);
create index sponsorship_sponsor on sponsorship (sponsor);
create index sponsorship_status on sponsorship (status, employee_number);
