export { GroupMember, type GroupMemberEvents } from './group-member.ts';
export { GroupMembersView, type GroupMembersViewEvents } from './group-members-view.ts';
