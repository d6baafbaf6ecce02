language-name = Română
tickets-count = { $count ->
    [one] { $count } tichet
    [few] { $count } tichete
   *[other] { $count } de tichete
}
