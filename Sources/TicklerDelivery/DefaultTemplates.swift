/// The built-in templates, used for any part the configuration's `templates/` directory does not give.
enum DefaultTemplates {
    static let all: [String: String] = [
        "default.subject": subject,
        "default.text": text,
        "default.html": html,
        "digest.subject": digestSubject,
        "digest.text": digestText,
        "digest.html": digestHTML,
    ]

    static let subject = """
        [Tickler] {{action_label}}: case {{case_number}}{{#client_name}} ({{client_name}}){{/client_name}} \
        — {{policy}} stage {{stage}}{{#is_repeat}}, repeat {{repeat}}{{/is_repeat}}
        """

    static let text = """
        {{#recipient_name}}{{recipient_name}},

        {{/recipient_name}}{{action_label}} for case {{case_number}}{{#client_name}} ({{client_name}}){{/client_name}}{{#case_title}}: {{case_title}}{{/case_title}}.
        {{#policy_description}}

        {{policy_description}}
        {{/policy_description}}

        Due {{due_at}}.

        Why you are getting this:
        {{explanation}}

        -- 
        Tickler{{#firm_name}} for {{firm_name}}{{/firm_name}} · fire {{fire_id}}

        """

    static let html = """
        <!DOCTYPE html>
        <html><body style="font-family: sans-serif">
        {{#recipient_name}}<p>{{recipient_name}},</p>{{/recipient_name}}
        <p><strong>{{action_label}}</strong> for case <strong>{{case_number}}</strong>{{#client_name}} ({{client_name}}){{/client_name}}{{#case_title}}: {{case_title}}{{/case_title}}.</p>
        {{#policy_description}}<p>{{policy_description}}</p>{{/policy_description}}
        <p>Due {{due_at}}.</p>
        <p>Why you are getting this:</p>
        <pre>{{explanation}}</pre>
        <p style="color: #666">Tickler{{#firm_name}} for {{firm_name}}{{/firm_name}} · fire {{fire_id}}</p>
        </body></html>

        """

    static let digestSubject = """
        [Tickler] Your open follow-ups for {{date}}: {{total}}
        """

    static let digestText = """
        {{person_name}},

        {{total}} open follow-ups are waiting for you, oldest first.

        By policy:
        {{#counts}}
          {{policy}}: {{count}}
        {{/counts}}

        {{#items}}
        - case {{case_number}}{{#client_name}} ({{client_name}}){{/client_name}}: {{action_label}}, {{policy}} stage {{stage}}, due {{due_at}} ({{age_days}} days ago)
        {{/items}}

        -- 
        Tickler{{#firm_name}} for {{firm_name}}{{/firm_name}}

        """

    static let digestHTML = """
        <!DOCTYPE html>
        <html><body style="font-family: sans-serif">
        <p>{{person_name}},</p>
        <p>{{total}} open follow-ups are waiting for you, oldest first.</p>
        <table>{{#counts}}<tr><td>{{policy}}</td><td>{{count}}</td></tr>{{/counts}}</table>
        <ul>
        {{#items}}<li>case <strong>{{case_number}}</strong>{{#client_name}} ({{client_name}}){{/client_name}}: {{action_label}}, {{policy}} stage {{stage}}, due {{due_at}} ({{age_days}} days ago)</li>
        {{/items}}
        </ul>
        <p style="color: #666">Tickler{{#firm_name}} for {{firm_name}}{{/firm_name}}</p>
        </body></html>

        """
}
