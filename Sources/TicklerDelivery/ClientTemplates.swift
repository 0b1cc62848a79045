/// The built-in client messages, in English and Spanish: `client-KIND.LANGUAGE.PART`, PART `subject` and
/// `text` for email, `sms` for a text message. They use only `ClientNotice.vocabulary`; a firm's own
/// (`POLICY.client.LANGUAGE.PART` and the like) are checked against it too.
enum ClientTemplates {
    static let languages = ["en", "es"]

    static let all: [String: String] = [
        // A stage change: what it means, what happens next, what we need.
        "client-stage.en.subject": "{{firm_name}}: an update on your case",
        "client-stage.en.text": """
            {{#first_name}}Dear {{first_name}},

            {{/first_name}}{{#stage_back}}Your case has gone back to an earlier stage: {{stage_name}}.{{/stage_back}}{{^stage_back}}Your case has moved to a new stage: {{stage_name}}.{{/stage_back}}
            {{#stage_means}}

            What this means: {{stage_means}}
            {{/stage_means}}
            {{#stage_next}}

            What happens next: {{stage_next}}
            {{/stage_next}}
            {{#stage_needs}}

            What we need from you: {{stage_needs}}
            {{/stage_needs}}

            Questions? {{#staff_name}}{{staff_name}}{{#staff_phone}} at {{staff_phone}}{{/staff_phone}}{{/staff_name}}{{^staff_name}}We{{/staff_name}} will be glad to help.

            {{firm_name}}

            """,
        "client-stage.en.sms": """
            {{firm_name}}: {{#first_name}}{{first_name}}, {{/first_name}}your case is now at the {{stage_name}} stage. \
            {{stage_next}}{{#stage_needs}} We need: {{stage_needs}}{{/stage_needs}}
            """,
        "client-stage.es.subject": "{{firm_name}}: novedades sobre su caso",
        "client-stage.es.text": """
            {{#first_name}}Estimado/a {{first_name}}:

            {{/first_name}}{{#stage_back}}Su caso volvió a una etapa anterior: {{stage_name}}.{{/stage_back}}{{^stage_back}}Su caso pasó a una nueva etapa: {{stage_name}}.{{/stage_back}}
            {{#stage_means}}

            Qué significa: {{stage_means}}
            {{/stage_means}}
            {{#stage_next}}

            Próximos pasos: {{stage_next}}
            {{/stage_next}}
            {{#stage_needs}}

            Lo que necesitamos de usted: {{stage_needs}}
            {{/stage_needs}}

            ¿Preguntas? {{#staff_name}}{{staff_name}}{{#staff_phone}} al {{staff_phone}}{{/staff_phone}}{{/staff_name}}{{^staff_name}}Nosotros{{/staff_name}} con gusto le ayudará.

            {{firm_name}}

            """,
        "client-stage.es.sms": """
            {{firm_name}}: {{#first_name}}{{first_name}}, {{/first_name}}su caso está ahora en la etapa {{stage_name}}. \
            {{stage_next}}{{#stage_needs}} Necesitamos: {{stage_needs}}{{/stage_needs}}
            """,

        // A long silence: no news is normal.
        "client-silence.en.subject": "{{firm_name}}: your case is on track",
        "client-silence.en.text": """
            {{#first_name}}Dear {{first_name}},

            {{/first_name}}We have no news to report on your case right now, and that is normal at this stage{{#stage_name}} ({{stage_name}}){{/stage_name}}.
            {{#stage_next}}

            The next expected step: {{stage_next}}
            {{/stage_next}}

            {{#staff_name}}{{staff_name}}{{#staff_phone}} ({{staff_phone}}){{/staff_phone}} is{{/staff_name}}{{^staff_name}}We are{{/staff_name}} here if you have questions.

            {{firm_name}}

            """,
        "client-silence.en.sms": """
            {{firm_name}}: {{#first_name}}{{first_name}}, {{/first_name}}no news on your case yet, which is normal at this stage.\
            {{#stage_next}} Next: {{stage_next}}{{/stage_next}}
            """,
        "client-silence.es.subject": "{{firm_name}}: su caso sigue su curso",
        "client-silence.es.text": """
            {{#first_name}}Estimado/a {{first_name}}:

            {{/first_name}}Por ahora no hay novedades en su caso, y es normal en esta etapa{{#stage_name}} ({{stage_name}}){{/stage_name}}.
            {{#stage_next}}

            El próximo paso previsto: {{stage_next}}
            {{/stage_next}}

            {{#staff_name}}{{staff_name}}{{#staff_phone}} ({{staff_phone}}){{/staff_phone}} está{{/staff_name}}{{^staff_name}}Estamos{{/staff_name}} a su disposición.

            {{firm_name}}

            """,
        "client-silence.es.sms": """
            {{firm_name}}: {{#first_name}}{{first_name}}, {{/first_name}}aún no hay novedades en su caso; es normal en esta etapa.\
            {{#stage_next}} Próximo paso: {{stage_next}}{{/stage_next}}
            """,

        // A hearing, appointment or deadline ahead.
        "client-reminder.en.subject": "{{firm_name}}: reminder for {{date}}",
        "client-reminder.en.text": """
            {{#first_name}}Dear {{first_name}},

            {{/first_name}}A reminder: you have {{#what}}{{what}}{{/what}}{{^what}}a date on your case{{/what}} on {{date}}{{#time}} at {{time}}{{/time}}.{{#where}}

            Where: {{where}}{{/where}}{{#attend}}

            {{attend}}{{/attend}}

            If you cannot make it, or have questions, please contact {{#staff_name}}{{staff_name}}{{#staff_phone}} at {{staff_phone}}{{/staff_phone}}{{/staff_name}}{{^staff_name}}us{{/staff_name}} as soon as you can.

            {{firm_name}}

            """,
        "client-reminder.en.sms": """
            {{firm_name}}: reminder, you have {{#what}}{{what}}{{/what}}{{^what}}a date on your case{{/what}} on {{date}}{{#time}} at {{time}}{{/time}}\
            {{#where}}, {{where}}{{/where}}.{{#attend}} {{attend}}{{/attend}} Questions? Call {{#staff_phone}}{{staff_phone}}{{/staff_phone}}{{^staff_phone}}us{{/staff_phone}}.
            """,
        "client-reminder.es.subject": "{{firm_name}}: recordatorio para el {{date}}",
        "client-reminder.es.text": """
            {{#first_name}}Estimado/a {{first_name}}:

            {{/first_name}}Le recordamos que tiene {{#what}}{{what}}{{/what}}{{^what}}una fecha en su caso{{/what}} el {{date}}{{#time}} a las {{time}}{{/time}}.{{#where}}

            Lugar: {{where}}{{/where}}{{#attend}}

            {{attend}}{{/attend}}

            Si no puede asistir o tiene preguntas, comuníquese con {{#staff_name}}{{staff_name}}{{#staff_phone}} al {{staff_phone}}{{/staff_phone}}{{/staff_name}}{{^staff_name}}nosotros{{/staff_name}} lo antes posible.

            {{firm_name}}

            """,
        "client-reminder.es.sms": """
            {{firm_name}}: recordatorio, tiene {{#what}}{{what}}{{/what}}{{^what}}una fecha en su caso{{/what}} el {{date}}{{#time}} a las {{time}}{{/time}}\
            {{#where}}, {{where}}{{/where}}.{{#attend}} {{attend}}{{/attend}} ¿Preguntas? Llame al {{#staff_phone}}{{staff_phone}}{{/staff_phone}}{{^staff_phone}}despacho{{/staff_phone}}.
            """,

        // Documents the firm still needs.
        "client-documents.en.subject": "{{firm_name}}: documents we still need",
        "client-documents.en.text": """
            {{#first_name}}Dear {{first_name}},

            {{/first_name}}We are still waiting for some documents for your case.
            {{#documents}}
            - {{title}}
            {{/documents}}

            Please send them to {{#staff_name}}{{staff_name}}{{/staff_name}}{{^staff_name}}us{{/staff_name}} when you can{{#staff_phone}}, or call {{staff_phone}} with questions{{/staff_phone}}.

            {{firm_name}}

            """,
        "client-documents.en.sms": """
            {{firm_name}}: we still need documents for your case{{#documents}}: {{title}}{{/documents}}. \
            Questions? Call {{#staff_phone}}{{staff_phone}}{{/staff_phone}}{{^staff_phone}}us{{/staff_phone}}.
            """,
        "client-documents.es.subject": "{{firm_name}}: documentos pendientes",
        "client-documents.es.text": """
            {{#first_name}}Estimado/a {{first_name}}:

            {{/first_name}}Todavía esperamos algunos documentos para su caso.
            {{#documents}}
            - {{title}}
            {{/documents}}

            Por favor envíelos a {{#staff_name}}{{staff_name}}{{/staff_name}}{{^staff_name}}nuestra oficina{{/staff_name}} cuando pueda{{#staff_phone}}, o llame al {{staff_phone}} si tiene preguntas{{/staff_phone}}.

            {{firm_name}}

            """,
        "client-documents.es.sms": """
            {{firm_name}}: aún necesitamos documentos para su caso{{#documents}}: {{title}}{{/documents}}. \
            ¿Preguntas? Llame al {{#staff_phone}}{{staff_phone}}{{/staff_phone}}{{^staff_phone}}despacho{{/staff_phone}}.
            """,

        // A new case.
        "client-welcome.en.subject": "{{firm_name}}: welcome",
        "client-welcome.en.text": """
            {{#first_name}}Dear {{first_name}},

            {{/first_name}}Thank you for choosing {{firm_name}}. {{#staff_name}}{{staff_name}} will be your contact{{#staff_phone}} ({{staff_phone}}){{/staff_phone}}, and{{/staff_name}}{{^staff_name}}We{{/staff_name}} will keep you updated as your case moves forward.

            {{firm_name}}

            """,
        "client-welcome.en.sms": "{{firm_name}}: welcome{{#first_name}}, {{first_name}}{{/first_name}}. We will keep you updated as your case moves forward.",
        "client-welcome.es.subject": "{{firm_name}}: bienvenida",
        "client-welcome.es.text": """
            {{#first_name}}Estimado/a {{first_name}}:

            {{/first_name}}Gracias por elegir a {{firm_name}}. {{#staff_name}}{{staff_name}} será su contacto{{#staff_phone}} ({{staff_phone}}){{/staff_phone}} y{{/staff_name}}{{^staff_name}}Le{{/staff_name}} mantendremos al tanto del avance de su caso.

            {{firm_name}}

            """,
        "client-welcome.es.sms": "{{firm_name}}: bienvenido/a{{#first_name}}, {{first_name}}{{/first_name}}. Le mantendremos al tanto de su caso.",

        // A message of theirs that is waiting for an answer.
        "client-acknowledge.en.subject": "{{firm_name}}: we received your message",
        "client-acknowledge.en.text": """
            {{#first_name}}Dear {{first_name}},

            {{/first_name}}We received your message and {{#staff_name}}{{staff_name}}{{/staff_name}}{{^staff_name}}we{{/staff_name}} will get back to you shortly.

            {{firm_name}}

            """,
        "client-acknowledge.en.sms": "{{firm_name}}: we received your message and will get back to you shortly.",
        "client-acknowledge.es.subject": "{{firm_name}}: recibimos su mensaje",
        "client-acknowledge.es.text": """
            {{#first_name}}Estimado/a {{first_name}}:

            {{/first_name}}Recibimos su mensaje y {{#staff_name}}{{staff_name}} le responderá{{/staff_name}}{{^staff_name}}le responderemos{{/staff_name}} en breve.

            {{firm_name}}

            """,
        "client-acknowledge.es.sms": "{{firm_name}}: recibimos su mensaje y le responderemos en breve.",

        // A satisfaction survey, answered by a number.
        "client-survey.en.subject": "{{firm_name}}: how are we doing?",
        "client-survey.en.text": """
            {{#first_name}}Dear {{first_name}},

            {{/first_name}}How likely are you to recommend {{firm_name}} to a friend? Reply to our text message with a number from {{scale}}.

            {{firm_name}}

            """,
        "client-survey.en.sms": "{{firm_name}}: how are we doing? Reply with a number from {{scale}}; higher is better.",
        "client-survey.es.subject": "{{firm_name}}: ¿cómo lo estamos haciendo?",
        "client-survey.es.text": """
            {{#first_name}}Estimado/a {{first_name}}:

            {{/first_name}}¿Recomendaría {{firm_name}} a un amigo? Responda a nuestro mensaje de texto con un número {{scale}}.

            {{firm_name}}

            """,
        "client-survey.es.sms": "{{firm_name}}: ¿cómo lo estamos haciendo? Responda con un número {{scale}} (más alto es mejor).",

        // A sensitive stage: nothing about the case, only a request to call.
        "client-sensitive.en.subject": "{{firm_name}}: you have an update",
        "client-sensitive.en.text": """
            {{#first_name}}Dear {{first_name}},

            {{/first_name}}You have an update from {{firm_name}}. Please call {{#staff_name}}{{staff_name}}{{#staff_phone}} at {{staff_phone}}{{/staff_phone}}{{/staff_name}}{{^staff_name}}the office{{/staff_name}}{{#portal_url}} or log in at {{portal_url}}{{/portal_url}} to hear about it.

            {{firm_name}}

            """,
        "client-sensitive.en.sms": "{{firm_name}}: you have an update. Please call {{#staff_phone}}{{staff_phone}}{{/staff_phone}}{{^staff_phone}}the office{{/staff_phone}}{{#portal_url}} or log in at {{portal_url}}{{/portal_url}}.",
        "client-sensitive.es.subject": "{{firm_name}}: tiene una novedad",
        "client-sensitive.es.text": """
            {{#first_name}}Estimado/a {{first_name}}:

            {{/first_name}}Tiene una novedad de {{firm_name}}. Por favor llame a {{#staff_name}}{{staff_name}}{{#staff_phone}} al {{staff_phone}}{{/staff_phone}}{{/staff_name}}{{^staff_name}}la oficina{{/staff_name}}{{#portal_url}} o ingrese a {{portal_url}}{{/portal_url}} para conocerla.

            {{firm_name}}

            """,
        "client-sensitive.es.sms": "{{firm_name}}: tiene una novedad. Por favor llame al {{#staff_phone}}{{staff_phone}}{{/staff_phone}}{{^staff_phone}}despacho{{/staff_phone}}{{#portal_url}} o ingrese a {{portal_url}}{{/portal_url}}.",
    ]

    /// The short form of a text that does not fit the channel's `max_segments`: the stage's name and who
    /// to call, by kind and language (other kinds are short already, or cut).
    static let shortSMS: [String: String] = [
        "client-stage-short.en.sms": "{{firm_name}}: your case is now at the {{stage_name}} stage.{{#staff_phone}} Questions? {{staff_phone}}{{/staff_phone}}",
        "client-stage-short.es.sms": "{{firm_name}}: su caso está en la etapa {{stage_name}}.{{#staff_phone}} ¿Preguntas? {{staff_phone}}{{/staff_phone}}",
        "client-reminder-short.en.sms": "{{firm_name}}: reminder, {{#what}}{{what}}{{/what}}{{^what}}a date on your case{{/what}} on {{date}}{{#time}} at {{time}}{{/time}}.",
        "client-reminder-short.es.sms": "{{firm_name}}: recordatorio, {{#what}}{{what}}{{/what}}{{^what}}una fecha en su caso{{/what}} el {{date}}{{#time}} a las {{time}}{{/time}}.",
    ]

    /// The lines every email to a client ends with, by language: why they receive it and how to stop.
    static let emailOptOut: [String: String] = [
        "en": "You receive these emails because you agreed to hear from {{firm_name}} about your case. "
            + "To stop them, reply to this email and say so.",
        "es": "Recibe estos correos porque aceptó recibir novedades de {{firm_name}} sobre su caso. "
            + "Para dejar de recibirlos, responda a este correo y díganoslo.",
    ]

    /// The line every text message ends with, by language: how to stop them.
    static let optOutLine: [String: String] = [
        "en": "Reply STOP to opt out.",
        "es": "Responda PARAR para no recibir más mensajes.",
    ]
}
