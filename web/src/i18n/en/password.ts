import type { Messages } from '../index.js';

export default {
  title: 'Change password',
  hint: 'Your sessions in other browsers end when the password changes.',
  currentPassword: 'Current password',
  newPassword: 'New password',
  confirmPassword: 'New password again',
  save: 'Change password',
  changed: 'Password changed',
} satisfies Messages;
