-- No primary key: the migration uses a UNIQUE key over NOT NULL columns.
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int not null,
  code varchar(16) not null,
  v int,
  unique key uk (code, id),
  key v_idx (v)
);

insert into gh_ost_test values (1, 'a', 1), (2, 'b', 2), (3, 'c', null), (4, 'a', 4), (5, '', 5), (6, 'zz', 6);
insert into gh_ost_test select id + 10, code, v from gh_ost_test;

drop event if exists gh_ost_test;
delimiter ;;
create event gh_ost_test
  on schedule every 1 second
  starts current_timestamp
  ends current_timestamp + interval 60 second
  on completion not preserve
  enable
  do
begin
  insert into gh_ost_test values (floor(rand() * 1000000), 'ev', 1);
  update gh_ost_test set v = coalesce(v, 0) + 1 where id = 3;
  update gh_ost_test set code = 'moved' where id = 2 and code = 'b';
  delete from gh_ost_test where id = 4;
end ;;
