import { MessageKeyDto } from '../../message/dto/message-key.dto';

/** `{id, fromMe, remoteJid, participant?}`: the key of the message to revoke (JSON body on DELETE). */
export class DeleteMessageDto extends MessageKeyDto {}
