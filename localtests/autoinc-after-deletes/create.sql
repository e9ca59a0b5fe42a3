-- The newest rows were deleted before the migration: the new table must keep the
-- original's AUTO_INCREMENT (8), not restart after the highest remaining id (6),
-- or ids 6 and 7 would be handed out a second time. No event: the value must be
-- predictable.
drop event if exists gh_ost_test;
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  i int not null,
  primary key(id)
) auto_increment=1;

insert into gh_ost_test values (null, 11), (null, 13), (null, 17), (null, 23), (null, 29), (null, 31), (null, 37);
delete from gh_ost_test where id > 5;
