/**
 * Words of the incident record's newer parts (markings, the incident's own audit history, indicator
 * matches and campaign links), used by the responders' incident page and the bureau's. TLP and PAP
 * labels are not here: they stay in English, upper case, in every language.
 */
export const incidentRecordEn = {
  record: {
    markings: 'Markings',
    markingsHelp:
      'TLP says who may receive what is known of this incident; PAP what they may do with it. A report without markings is TLP:AMBER, PAP:AMBER.',
    tlp: 'TLP',
    pap: 'PAP',
    setMarkings: 'Set markings',
    history: 'Audit history',
    historyCaption: 'Audit events about this incident, newest first',
    historyEmpty: 'No audit events about this incident yet.',
    seq: 'No.',
    when: 'When',
    actor: 'Who',
    action: 'Event',
    fields: 'Fields changed',
    newer: 'Newest events',
    older: 'Older events',
    historyPages: 'Audit history pages',
    seenIn: 'Also seen in',
    notSeenElsewhere: 'No other bureau',
    incidentInBureau: '{{ref}} ({{bureau}})',
    campaignIncidents: 'Incidents of the campaign',
  },
};

export const incidentRecordZhHK: typeof incidentRecordEn = {
  record: {
    markings: '標記',
    markingsHelp:
      'TLP 表示誰可接收此事故的資料；PAP 表示接收者可如何使用。未有標記的報告為 TLP:AMBER、PAP:AMBER。',
    tlp: 'TLP',
    pap: 'PAP',
    setMarkings: '設定標記',
    history: '審計紀錄',
    historyCaption: '有關此事故的審計事件，最新的在前',
    historyEmpty: '此事故尚未有審計事件。',
    seq: '編號',
    when: '時間',
    actor: '執行者',
    action: '事件',
    fields: '已更改欄位',
    newer: '最新事件',
    older: '較早事件',
    historyPages: '審計紀錄頁數',
    seenIn: '亦見於',
    notSeenElsewhere: '沒有其他決策局／部門',
    incidentInBureau: '{{ref}}（{{bureau}}）',
    campaignIncidents: '攻擊活動的事故',
  },
};
