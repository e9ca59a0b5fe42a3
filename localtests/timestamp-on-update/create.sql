-- TIMESTAMP/DATETIME columns with DEFAULT and ON UPDATE CURRENT_TIMESTAMP: the
-- ghost must take the values from the binlog, not stamp its own time.
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  i int not null,
  created timestamp(6) not null default current_timestamp(6),
  updated timestamp(6) not null default current_timestamp(6) on update current_timestamp(6),
  touched datetime(3) default current_timestamp(3) on update current_timestamp(3),
  primary key(id)
) auto_increment=1;

insert into gh_ost_test values
  (null, 1, '2001-01-01 00:00:00.000001', '2001-01-01 00:00:00.000001', '2001-01-01 00:00:00.001'),
  (null, 2, '2002-02-02 00:00:00', '2002-02-02 00:00:00', null);
insert into gh_ost_test (i) values (3), (4);

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
  insert into gh_ost_test (i) values (5);
  update gh_ost_test set i = i + 1 where id = 1;
  update gh_ost_test set i = i + 1 where id = 2;
  delete from gh_ost_test where id = 4;
end ;;
