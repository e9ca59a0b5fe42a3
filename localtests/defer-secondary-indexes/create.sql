-- --defer-secondary-indexes: the plain keys (an existing one and two the ALTER adds) are built
-- after the copy; the unique key and the FULLTEXT key stay on the ghost all along, and so does
-- the only index of the AUTO_INCREMENT column (the server refuses to drop it).
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  code varchar(40) not null,
  i int not null,
  s varchar(100),
  t text,
  primary key (code),
  key id_idx (id),
  unique key code_i_uidx (code, i),
  key i_idx (i),
  fulltext key t_ft (t)
) auto_increment=1;

insert into gh_ost_test (code, i, s, t) values ('a', 1, 'a', 'x'), ('b', 2, 'b', 'y'), ('c', 1, 'c', null), ('d', 3, null, 'z');

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
  insert into gh_ost_test (code, i, s, t) values (uuid(), floor(rand() * 10), concat('s', rand()), repeat('t', 100));
  update gh_ost_test set i = i + 10 where code = 'a';
  delete from gh_ost_test where code = 'b';
end ;;
