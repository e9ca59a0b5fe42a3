-- NULL in nullable columns of many types, and changes from NULL to a value and
-- back (the binlog's null bitmap).
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  i int, bi bigint unsigned, d decimal(8,2), f double, s varchar(16), t text, b blob,
  dt datetime(6), ts timestamp(3) null, tm time, y year, e enum('a','b'), st set('x','y'),
  bt bit(3), j json,
  primary key(id)
) auto_increment=1;

insert into gh_ost_test (id) values (null), (null), (null);
insert into gh_ost_test values
  (null, 1, 2, 3.5, 4.5, 's', 't', 'b', '2020-01-01 00:00:00.5', '2020-01-01 00:00:00.5', '01:02:03', 2020, 'a', 'x,y', b'101', '{"k": 1}');

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
  insert into gh_ost_test (id) values (null);
  update gh_ost_test set i = if(i is null, 1, null), s = if(s is null, 'v', null), j = if(j is null, '[1]', null),
    bt = if(bt is null, b'111', null), dt = if(dt is null, now(6), null), e = if(e is null, 'b', null) where id = 1;
  update gh_ost_test set i = null, bi = null, d = null, f = null, s = null, t = null, b = null, dt = null, ts = null,
    tm = null, y = null, e = null, st = null, bt = null, j = null where id = 4;
  update gh_ost_test set bi = coalesce(bi, 0) + 1 where id = 2;
end ;;
