import { loadPolicy } from './src/triage/policy.loader.js';
import { evaluatePolicy } from './src/triage/policy.evaluator.js';
const p = loadPolicy('policies');
console.log(p.version, p.packs.map(x=>x.id));
const d = evaluatePolicy(p, { bureauId:'B', bureauRegimes:['HK-GOV','HK-CI'], regimes:['gdpr'], category:'ransomware', times:{reportedAt:new Date('2026-03-02T09:00:00Z'), awareAt:new Date('2026-03-02T08:30:00Z')}, system:{tier:2,criticalEService:true,operatedBy:'outsourced'}, assetsAffected:['data'], impact:{confidentiality:'high',integrity:'medium',availability:'high',governmentImage:'low'}, functionalImpact:'medium', informationImpact:'privacy', recoverability:'extended', classifiedData:'restricted', personalDataInvolved:true, peopleAffected:{staff:1,citizens:2}, flags:{suspectedCrime:true,mediaInterest:false,capSerious:false,falsePositive:false,ransomPaid:false}, relatedBureauxCount:0}, new Date('2026-03-02T09:05:00Z'));
console.log(JSON.stringify(d, null, 1));
