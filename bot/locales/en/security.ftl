## Abuse protection: flooding, file types, ticket rate
flood-slow-down = You are sending messages faster than I can read them. I will go through them in a moment, a little slower; please wait for my answer before sending more.
report-file-type-refused = “{ $name }” was not added: files of this type ({ $type }) are not accepted here. Please send a PDF, an image or a document instead.
error-ticket-rate = You have opened { $limit } tickets in the last hour, the most allowed. Please add to one of them, or try again later.
