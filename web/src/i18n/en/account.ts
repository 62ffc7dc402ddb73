import type { Messages } from '../index.js';

export default {
  title: 'My account',
  username: 'User name',
  role: 'Role',
  enterprise: 'Enterprise',
  expiresAt: 'Signed in until',
  changePassword: 'Change password',
  currentPassword: 'Current password',
  newPassword: 'New password',
  repeatPassword: 'New password again',
  mismatch: 'The two new passwords differ',
  changed: 'Password changed; your other sessions were signed out',
  wrongCurrent: 'The current password is wrong',
  save: 'Change',
} satisfies Messages;
