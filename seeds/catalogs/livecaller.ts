/**
 * Livecaller: the preset of reference 004 ("Permission management"). Its default roles are Admin
 * and Operator; the Admin manages users (add, edit, deactivate) and roles (add, edit, delete); the
 * Operator works a subset of the console. The reference names the console's sections, not a table of
 * permissions: each permission below is one of those sections, worded from the guide's menu.
 */
import type { CatalogInput } from '@/lib/permissions/catalog-schema';
import { accessUserPerformanceData } from './shared';

const section = (key: string, name: string, definition: string, operator: 'on' | 'off') => ({ key, name, definition, operator });

const SECTIONS = [
  section('view-realtime-dashboard', 'Realtime dashboard', 'See live activity on the website and in conversations', 'on'),
  section('handle-live-conversations', 'Live conversation', 'Answer and handle live conversations, and transfer a chat', 'on'),
  section('use-inbox', 'Inbox', 'Work the omni-channel inbox: tags, sending email', 'on'),
  section('handle-callbacks', 'Callbacks', 'See and return callback requests', 'on'),
  section('view-conversation-history', 'Conversation history', 'Read past conversations', 'on'),
  section('export-conversations', 'Export conversations', 'Export conversation history to Excel and chats to PDF', 'off'),
  section('view-customer-profiles', 'Customer profiles', 'See and edit customer profiles', 'on'),
  section('manage-blocked-visitors', 'Blocked', 'Block and unblock visitors', 'off'),
  section('use-chat-shortcuts', 'Chat shortcuts', 'Use saved replies in conversations', 'on'),
  section('view-conversation-reports', 'Conversation reports', 'See conversation reports', 'off'),
  section('view-general-analytics', 'General analytics', 'See general analytics', 'off'),
  section('view-agent-report', 'Agent report', "See agents' performance, response times, availability, satisfaction and activity", 'off'),
  section('manage-working-hours', 'Working hours', 'Set the working hours', 'off'),
  section('manage-widget', 'Widget management', 'Configure the widget: pre-chat survey, translations, typing preview', 'off'),
  section('manage-integrations', 'Integrations', 'Connect Facebook Messenger, WhatsApp, Instagram, Email, Viber and Telegram', 'off'),
  section('manage-chatbot', 'Chatbot', 'Build the chatbot: events, conditions, actions', 'off'),
  section('manage-automatic-rules', 'Automatic rules', 'Set automatic rules', 'off'),
  section('manage-notifications', 'Notifications', 'Configure notifications', 'off'),
];

export const livecallerCatalog = {
  preset: 'livecaller',
  title: 'Livecaller',
  features: [],
  permissions: {
    ...Object.fromEntries(SECTIONS.map((s) => [s.key, { category: 'Console sections' }])),
    'manage-users-and-roles': { category: 'Permission management' },
    'manage-profiles': { category: 'Permission management' },
    'view-and-export-audit-trail': { category: 'Permission management' },
    'manage-api-keys': { category: 'Permission management' },
    'access-user-performance-data': { category: 'Permission management' },
  },
  channels: [
    {
      key: 'messaging',
      name: 'Messaging',
      children: [
        { key: 'web-chat', name: 'Web chat' },
        { key: 'facebook-messenger', name: 'Facebook Messenger' },
        { key: 'whatsapp', name: 'WhatsApp' },
        { key: 'instagram', name: 'Instagram' },
        { key: 'viber', name: 'Viber' },
        { key: 'telegram', name: 'Telegram' },
      ],
    },
    { key: 'email', name: 'Email' },
    { key: 'web-call', name: 'Web call' },
  ],
  roles: [
    {
      key: 'operator',
      name: 'Operator',
      rank: 1,
      scope: 'account',
      handlesConversations: true,
      channelDefaults: { messaging: 'manage-conversations', email: 'manage-conversations', 'web-call': 'manage-conversations' },
      core: [],
      permissions: [
        ...SECTIONS.map((s) => ({ key: s.key, name: s.name, definition: s.definition, default: s.operator })),
        // From iAdvize (reference 003), in every preset: without it, other users appear as pseudonyms.
        accessUserPerformanceData('off'),
      ],
    },
    {
      key: 'admin',
      name: 'Admin',
      rank: 2,
      scope: 'account',
      channelDefaults: { messaging: 'manage-settings', email: 'manage-settings', 'web-call': 'manage-settings' },
      core: [],
      permissions: [
        ...SECTIONS.map((s) => ({ key: s.key, name: s.name, definition: s.definition, default: 'on' as const })),
        { key: 'manage-users-and-roles', name: 'Users and roles', definition: 'Add, edit and deactivate users; add, edit and delete roles', default: 'on' },
        { key: 'manage-profiles', name: 'Permission sets', definition: 'Edit the permission sets users get from their roles', default: 'on' },
        { key: 'view-and-export-audit-trail', name: 'Activity log', definition: 'See and export who changed what', default: 'on' },
        // Not in reference 004: Switchboard's own API needs keys.
        { key: 'manage-api-keys', name: 'API keys', definition: 'Create and revoke the API keys other programs use', default: 'on' },
        accessUserPerformanceData('on'),
      ],
    },
  ],
} satisfies CatalogInput;
